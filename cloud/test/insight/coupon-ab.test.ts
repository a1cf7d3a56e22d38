/**
 * A/B tests on a journey coupon step, against the real app — the same model, bandit and routes as
 * message tests: ops put three coupons (amount / minimum spend / title) on a journey's coupon step
 * with the goal 「核销」; the journey engine issues each member the coupon of their assigned variant;
 * a redemption at the till (journeys' CouponRedemption → CouponRedeemed) converts the assignment;
 * simulated redemptions shift the allocation; stopping keeps the winner, which the step then issues
 * to everyone. Bad requests are clean 4xx.
 */
import * as I from '../../../contracts/insight';
import * as J from '../../../contracts/journeys';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { JobRunner } from '../../src/core/jobs';
import { AbTestService, type CouponDraft } from '../../src/modules/insight/ab.service';
import { AbAssignment } from '../../src/modules/insight/entities/insight.entity';
import { couponCode, CouponRedemption } from '../../src/modules/journeys/coupons.public';
import { JourneyCoupon } from '../../src/modules/journeys/entities/coupon.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, staffToken } from '../wecom/engine-helpers';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let t: TestApp;
let l: Listening;
let admin: string;
let storeId: number;
let journeyId: number;
let testId: number;

const VARIANTS = [
  { label: 'A 满50减10', text: '回店券·满50减10', amountFen: 1000, minSpendFen: 5000 },
  { label: 'B 无门槛5元', text: '无门槛5元券', amountFen: 500, minSpendFen: 0 },
  { label: 'C 满100减25', text: '周末大额券', amountFen: 2500, minSpendFen: 10000 },
];

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeId = (await makeStore(t, '滨江店')).id;
  await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' });
  admin = (await staffToken(t, 'hq_admin')).token;
  const ops = t.client(admin);
  // only this journey enrols new contacts: its first step issues a coupon at once
  const builtin = (await ops.call(J.listJourneys)).items.find((j) => j.builtinKey === 'new_member')!;
  await ops.call(J.setJourneyActive, { params: { journeyId: builtin.id }, body: { active: false } });
  journeyId = (
    await ops.call(J.createJourney, {
      body: {
        name: '新客礼券',
        description: '',
        trigger: { type: 'contact_added' },
        steps: [
          { name: '发券', waitHours: 0, condition: 'always', action: { type: 'coupon', title: '新客券', amountFen: 800, minSpendFen: 3000, validDays: 7 } },
          { name: '问候', waitHours: 24, condition: 'always', action: { type: 'message', text: '您好～', attachments: [] } },
        ],
      },
    })
  ).id;
}, 120_000);
afterAll(async () => {
  await l?.close();
  await t?.close();
});

test('a coupon test needs a coupon step, a coupon goal and an amount per variant (clean 400s)', async () => {
  const ops = t.client(admin);
  const input = {
    name: '新客券面额',
    kind: 'coupon' as const,
    journeyId,
    stepIndex: 0,
    goal: 'redeem' as const,
    windowDays: 7,
    floor: 0.05,
    variants: VARIANTS,
  };
  await expect(ops.call(I.createAbTest, { body: { ...input, stepIndex: 1 } })).rejects.toMatchObject({ status: 400 }); // a message step
  await expect(ops.call(I.createAbTest, { body: { ...input, goal: 'reply' } })).rejects.toMatchObject({ status: 400 });
  await expect(ops.call(I.createAbTest, { body: { ...input, variants: VARIANTS.map(({ amountFen: _a, ...v }) => v) } })).rejects.toMatchObject({
    status: 400,
  });
  await expect(ops.call(I.createAbTest, { body: { ...input, kind: 'message', stepIndex: 1 } })).rejects.toMatchObject({ status: 400 }); // redeem is for coupons
  await expect(ops.call(I.createAbTest, { body: { ...input, variants: [...VARIANTS, ...VARIANTS].slice(0, 5) } })).rejects.toMatchObject({ status: 400 });
  const created = await ops.call(I.createAbTest, { body: input });
  testId = created.id;
  expect(created).toMatchObject({ kind: 'coupon', goal: 'redeem', status: 'running', journeyName: '新客礼券', stepIndex: 0 });
  expect(created.variants.map((v) => [v.text, v.amountFen, v.minSpendFen])).toEqual(VARIANTS.map((v) => [v.text, v.amountFen, v.minSpendFen]));
  expect(created.variants.map((v) => v.share)).toEqual([1 / 3, 1 / 3, 1 / 3].map((x) => expect.closeTo(x, 1)));
});

test('the engine issues each member the coupon of their variant; a redemption at the till converts it', async () => {
  const d = await t.container.getAsync(Db);
  const members = [];
  for (let i = 1; i <= 6; i++) {
    const m = await makeMember(t, { unionid: `u-cab-${i}`, storeId });
    await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: `顾客${i}`, unionid: `u-cab-${i}` } } });
    members.push(m.id);
  }
  const at = new Date(Date.now() + HOUR);
  expect((await (await t.container.getAsync(JobRunner)).runNow('journeys.evaluate', { now: at })).ran).toBe(true);
  await settle(t);
  const coupons = await d.manager.find(JourneyCoupon, { order: { id: 'ASC' } });
  expect(coupons.map((c) => c.memberId).sort()).toEqual([...members].sort());
  for (const c of coupons) {
    const a = await d.manager.findOneByOrFail(AbAssignment, { testId, memberId: c.memberId! });
    const v = VARIANTS[a.variant];
    expect([c.title, c.amountFen, c.minSpendFen]).toEqual([v.text, v.amountFen, v.minSpendFen]);
  }

  // the first member redeems at the till; the second redeems after the 7-day window
  const redeem = async (c: JourneyCoupon, when: Date, receiptId: number) =>
    d.transaction((em) =>
      t.container
        .getAsync(CouponRedemption)
        .then((r) => r.redeem(em, couponCode(c.id), { receiptId, memberId: c.memberId, grossFen: c.minSpendFen + 100, at: when })),
    );
  expect(await redeem(coupons[0], new Date(at.getTime() + DAY), 900_001)).toMatchObject({ ok: true });
  await (await t.container.getAsync(EventBus)).drain();
  const view = (await t.client(admin).call(I.listAbTests)).items.find((x) => x.id === testId)!;
  expect(view.variants.reduce((n, v) => n + v.sends, 0)).toBe(6);
  expect(view.variants.reduce((n, v) => n + v.conversions, 0)).toBe(1);
  const converted = await d.manager.find(AbAssignment, { where: { testId } });
  expect(converted.filter((a) => a.convertedAt).map((a) => a.memberId)).toEqual([coupons[0].memberId]);
  // a coupon redeemed twice converts nothing more; a late redemption is outside the window
  expect(await redeem(coupons[0], new Date(at.getTime() + DAY), 900_002)).toMatchObject({ ok: false, reason: 'COUPON_USED' });
  await d.manager.update(JourneyCoupon, { id: coupons[1].id }, { validUntil: new Date(at.getTime() + 30 * DAY) });
  expect(await redeem(coupons[1], new Date(at.getTime() + 8 * DAY), 900_003)).toMatchObject({ ok: true });
  await (await t.container.getAsync(EventBus)).drain();
  const after = await d.manager.find(AbAssignment, { where: { testId } });
  expect(after.filter((a) => a.convertedAt).map((a) => a.memberId)).toEqual([coupons[0].memberId]);
});

test('simulated redemptions shift the allocation to the better coupon; stopping keeps it for everyone', async () => {
  const ab = await t.container.getAsync(AbTestService);
  const d = await t.container.getAsync(Db);
  const now = new Date();
  const draft = (memberId: number | null): CouponDraft => ({ journeyId, stepIndex: 0, memberId, title: '新客券', amountFen: 800, minSpendFen: 3000 });
  // 300 members reach the step; coupon B (no minimum) is redeemed 1 in 2, A and C 1 in 25
  const seen = [0, 0, 0];
  const redeemedBy: number[] = [];
  for (let m = 1; m <= 300; m++) {
    const dr = draft(800_000 + m);
    await ab.couponVariants([dr], now);
    const v = VARIANTS.findIndex((x) => x.text === dr.title);
    expect(v).toBeGreaterThanOrEqual(0);
    seen[v]++;
    if (v === 1 ? seen[1] % 2 === 0 : seen[v] % 25 === 0) redeemedBy.push(dr.memberId!);
  }
  await d.transaction(async (em) => {
    for (const memberId of redeemedBy) await ab.convertRedeemed(em, { memberId, journeyId, stepIndex: 0 }, new Date(now.getTime() + HOUR));
    // another step's coupon converts nothing here
    await ab.convertRedeemed(em, { memberId: 800_001, journeyId, stepIndex: 5 }, new Date(now.getTime() + HOUR));
  });
  const view = (await t.client(admin).call(I.listAbTests)).items.find((x) => x.id === testId)!;
  expect(view.variants.reduce((n, v) => n + v.conversions, 0)).toBe(redeemedBy.length + 1); // + the till redemption above
  expect(view.variants[1].mean).toBeGreaterThan(Math.max(view.variants[0].mean, view.variants[2].mean));
  expect(view.variants[1].share).toBeGreaterThan(0.85);
  for (const v of [view.variants[0], view.variants[2]]) expect(v.share).toBeGreaterThanOrEqual(0.05 - 1e-9); // the floor

  // a coupon without a member: the first variant's terms, nobody assigned
  const anonymous = draft(null);
  await ab.couponVariants([anonymous], now);
  expect([anonymous.title, anonymous.amountFen]).toEqual([VARIANTS[0].text, VARIANTS[0].amountFen]);

  const stopped = await t.client(admin).call(I.stopAbTest, { params: { testId }, body: { keep: 1 } });
  expect(stopped).toMatchObject({ status: 'stopped', winner: 1 });
  expect(stopped.variants.map((v) => v.share)).toEqual([0, 1, 0]);
  const later = draft(820_001);
  await ab.couponVariants([later], now);
  expect([later.title, later.amountFen, later.minSpendFen]).toEqual([VARIANTS[1].text, VARIANTS[1].amountFen, VARIANTS[1].minSpendFen]);
  expect(await d.manager.countBy(AbAssignment, { memberId: 820_001 })).toBe(0);
  // the message step of the same journey is untouched by the coupon test
  expect(await ab.textFor(journeyId, 1, 820_001, '您好～', now)).toBe('您好～');
});
