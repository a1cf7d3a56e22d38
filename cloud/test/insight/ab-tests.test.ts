/**
 * A/B tests on a journey message step, against the real app: ops put two copies on the new-member
 * journey's day-3 message; the journey engine sends a customer the variant they were assigned;
 * simulated conversions (receipts through the outbox) shift the allocation toward the better
 * copy; stopping keeps the winner, which the step sends from then on. Bad requests are clean 4xx.
 */
import * as I from '../../../contracts/insight';
import * as J from '../../../contracts/journeys';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { JobRunner } from '../../src/core/jobs';
import { AbTestService } from '../../src/modules/insight/ab.service';
import { AbAssignment } from '../../src/modules/insight/entities/insight.entity';
import { WecomOutbound } from '../../src/modules/wecom/entities/outbound.entity';
import '../../src/modules/purchases/events';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, staffToken } from '../wecom/engine-helpers';

const HOUR = 3600_000;
let t: TestApp;
let l: Listening;
let admin: string;
let manager: string;
let storeId: number;
let journeyId: number;

const COPY_A = '{客户称呼}您好～本周推荐：番茄炒蛋，十分钟上桌。';
const COPY_B = '{客户称呼}，三道菜搞定宝宝一周营养晚餐，点开看看～';

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeId = (await makeStore(t, '滨江店')).id;
  await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' });
  manager = (await staffToken(t, 'store_manager', { storeId })).token;
  admin = (await staffToken(t, 'hq_admin')).token;
  journeyId = (await t.client(admin).call(J.listJourneys)).items.find((j) => j.builtinKey === 'new_member')!.id;
}, 120_000);
afterAll(async () => {
  await l?.close();
  await t?.close();
});

test('ops create a test on a message step; only message steps, one running test per step, HQ only', async () => {
  const input = {
    name: '新客第3天文案',
    journeyId,
    stepIndex: 0,
    goal: 'purchase' as const,
    windowDays: 7,
    floor: 0.05,
    variants: [
      { label: 'A 菜谱', text: COPY_A },
      { label: 'B 宝宝晚餐', text: COPY_B },
    ],
  };
  await expect(t.client(admin).call(I.createAbTest, { body: { ...input, stepIndex: 1 } })).rejects.toMatchObject({ status: 400 }); // day 7 is a staff task
  await expect(t.client(admin).call(I.createAbTest, { body: { ...input, variants: input.variants.slice(0, 1) } })).rejects.toMatchObject({ status: 400 });
  await expect(t.client(manager).call(I.createAbTest, { body: input })).rejects.toMatchObject({ status: 403 });
  const created = await t.client(admin).call(I.createAbTest, { body: input });
  expect(created).toMatchObject({ status: 'running', journeyName: '新客旅程', stepIndex: 0 });
  expect(created.variants.map((v) => v.share)).toEqual([0.5, 0.5].map((x) => expect.closeTo(x, 1)));
  await expect(t.client(admin).call(I.createAbTest, { body: input })).rejects.toMatchObject({ status: 409 });
});

test('the journey engine sends the customer their assigned copy', async () => {
  const member = await makeMember(t, { unionid: 'u-ab-1', storeId });
  const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: '陈阿姨', unionid: 'u-ab-1' } } });
  const ext = r.results![0].externalUserId!;
  const enrolled = (await t.client(admin).call(J.customerJourneys, { params: { externalUserId: ext } })).items[0];
  // day 3, 10:00 Shanghai (outside quiet hours)
  const day3 = new Date(new Date(enrolled.enrolledAt).getTime() + 72 * HOUR);
  const at = new Date(Date.UTC(day3.getUTCFullYear(), day3.getUTCMonth(), day3.getUTCDate() + 1, 2, 0));
  expect((await (await t.container.getAsync(JobRunner)).runNow('journeys.evaluate', { now: at })).ran).toBe(true);
  await settle(t);
  const d = await t.container.getAsync(Db);
  const sent = (await d.manager.find(WecomOutbound, { where: { kind: 'msg_template' } }))
    .map((o) => JSON.parse(o.payload))
    .filter((p) => p.externalUserIds.includes(ext));
  expect(sent).toHaveLength(1);
  const assignment = await d.manager.findOneByOrFail(AbAssignment, { memberId: member.id });
  expect(sent[0].text).toBe((assignment.variant === 0 ? COPY_A : COPY_B).replace('{客户称呼}', '陈阿姨'));
});

test('simulated conversions shift the allocation to the better copy; stopping keeps the winner', async () => {
  const ab = await t.container.getAsync(AbTestService);
  const bus = await t.container.getAsync(EventBus);
  const d = await t.container.getAsync(Db);
  const test = (await t.client(admin).call(I.listAbTests)).items[0];
  // 240 customers reach the step; copy B converts 1 in 3, copy A 1 in 30 (deterministic pattern)
  const now = new Date();
  const conversions: number[] = [];
  let seen = [0, 0];
  for (let m = 1; m <= 240; m++) {
    const memberId = 700_000 + m;
    const text = await ab.textFor(journeyId, 0, memberId, 'step text', now);
    const v = text === COPY_B ? 1 : 0;
    seen[v]++;
    if (v === 1 ? seen[1] % 3 === 0 : seen[0] % 30 === 0) conversions.push(memberId);
  }
  const before = await t.client(admin).call(I.listAbTests);
  await d.transaction(async (em) => {
    let n = 0;
    for (const memberId of conversions) {
      await bus.emit(em, 'PurchaseRecorded', {
        receiptId: 600_000 + n++,
        memberId,
        storeId,
        channel: 'pos',
        totalFen: 3_000,
        discountFen: 0,
        occurredAt: new Date(now.getTime() + HOUR).toISOString(),
        refundOf: null,
        items: [],
        couponCodes: [],
      });
    }
  });
  await bus.drain();
  const after = (await t.client(admin).call(I.listAbTests)).items[0];
  expect(after.variants[0].sends + after.variants[1].sends).toBe(241);
  expect(after.variants.reduce((n, v) => n + v.conversions, 0)).toBe(conversions.length);
  expect(after.variants[1].mean).toBeGreaterThan(after.variants[0].mean);
  expect(after.variants[1].share).toBeGreaterThan(0.9);
  expect(after.variants[0].share).toBeGreaterThanOrEqual(0.05 - 1e-9); // the exploration floor
  expect(after.variants[1].share).toBeGreaterThan(before.items[0].variants[1].share);
  // new customers now mostly get copy B
  seen = [0, 0];
  for (let m = 1; m <= 200; m++) seen[(await ab.textFor(journeyId, 0, 710_000 + m, 'step text', now)) === COPY_B ? 1 : 0]++;
  expect(seen[1]).toBeGreaterThan(160);

  const stopped = await t.client(admin).call(I.stopAbTest, { params: { testId: test.id }, body: { keep: 1 } });
  expect(stopped).toMatchObject({ status: 'stopped', winner: 1 });
  expect(stopped.variants.map((v) => v.share)).toEqual([0, 1]);
  await (await t.container.getAsync(AbTestService)).list(); // (cache is dropped on stop)
  expect(await ab.textFor(journeyId, 0, 720_001, 'step text', now)).toBe(COPY_B);
  expect(await d.manager.countBy(AbAssignment, { memberId: 720_001 })).toBe(0);
  await expect(t.client(admin).call(I.stopAbTest, { params: { testId: 999_999 }, body: { keep: 0 } })).rejects.toMatchObject({ status: 404 });
});

test('the reply goal: a CustomerReplied within the window converts, and counts as the member’s interaction', async () => {
  const ab = await t.container.getAsync(AbTestService);
  const bus = await t.container.getAsync(EventBus);
  const d = await t.container.getAsync(Db);
  const created = await t.client(admin).call(I.createAbTest, {
    body: {
      name: '回复率文案',
      journeyId,
      stepIndex: 0,
      goal: 'reply',
      windowDays: 3,
      floor: 0.05,
      variants: [
        { label: 'A', text: COPY_A },
        { label: 'B', text: COPY_B },
      ],
    },
  });
  expect(created.goal).toBe('reply');
  const now = new Date();
  for (const m of [1, 2, 3]) await ab.textFor(journeyId, 0, 730_000 + m, 'step text', now);
  const reply = (memberId: number | null, at: Date) =>
    bus.emit(d.manager, 'CustomerReplied', {
      externalUserId: `wm-reply-${memberId}`,
      staffUserId: 'zhaoliu',
      memberId,
      at: at.toISOString(),
      via: 'staff_noted',
    });
  await reply(730_001, new Date(now.getTime() + HOUR)); // converts
  await reply(730_002, new Date(now.getTime() + 4 * 24 * HOUR)); // after the 3-day window
  await reply(730_003, new Date(now.getTime() - HOUR)); // before the send
  await reply(null, new Date(now.getTime() + HOUR)); // no member: nothing to count
  await bus.drain();
  const view = (await t.client(admin).call(I.listAbTests)).items.find((x) => x.id === created.id)!;
  expect(view.variants.reduce((n, v) => n + v.sends, 0)).toBe(3);
  expect(view.variants.reduce((n, v) => n + v.conversions, 0)).toBe(1);
  const converted = await d.manager.find(AbAssignment, { where: { testId: created.id } });
  expect(converted.filter((a) => a.convertedAt).map((a) => a.memberId)).toEqual([730_001]);
  // each reply of a member is one interaction in insight's read model
  const rows: Array<{ c: number | string }> = await d.manager.query("SELECT COUNT(*) AS c FROM insight_activity WHERE kind = 'reply'");
  expect(Number(rows[0].c)).toBe(3);
});

test('the variant generator: copies from templates and tags for HQ; bad tags are a clean 400', async () => {
  const r = await t.client(admin).call(I.generateAbVariants, { body: { topic: '晚餐', tags: ['with_children', 'busy'], count: 2 } });
  expect(r.variants.map((v) => v.text)).toEqual(['{客户称呼}，三道菜搞定宝宝一周营养晚餐，点开看看～', '{客户称呼}，下班15分钟，晚餐就上桌，点开看看～']);
  await expect(t.client(admin).call(I.generateAbVariants, { body: { topic: '晚餐', tags: ['nobody' as never], count: 2 } })).rejects.toMatchObject({
    status: 400,
  });
  await expect(t.client(manager).call(I.generateAbVariants, { body: { topic: '晚餐', tags: ['busy'], count: 2 } })).rejects.toMatchObject({ status: 403 });
});
