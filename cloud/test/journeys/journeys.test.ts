/**
 * Journeys end to end against the simulator: a customer added through WeCom walks the new-member
 * journey on schedule (the clock is moved through JobRunner.runNow(name, { now })); an inactive
 * member walks the wake-up journey (message about the last purchase -> coupon -> store manager
 * call task); quiet hours, the weekly cap, WeCom's monthly limit and opt-out hold; ops and the
 * sidebar see every step.
 */
import { identity, wecom } from '../../../contracts';
import * as J from '../../../contracts/journeys';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { JobRunner } from '../../src/core/jobs';
import { JourneyEngine } from '../../src/modules/journeys/engine.service';
import { In } from 'typeorm';
import { JourneyCoupon } from '../../src/modules/journeys/entities/coupon.entity';
import { JourneyEnrolment, JourneyStepLog } from '../../src/modules/journeys/entities/enrolment.entity';
import { StaffTask } from '../../src/modules/journeys/entities/staff-task.entity';
import { WecomOutbound } from '../../src/modules/wecom/entities/outbound.entity';
import '../../src/modules/journeys/events';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, simGet, staffToken } from '../wecom/engine-helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestApp;
let l: Listening;
let d: Db;
let admin: string;
let owner: string; // zhaoliu's sidebar session
let manager: string;
let storeId: number;

/** The first instant at or after `after` whose Asia/Shanghai clock reads hh:mm. */
function shanghaiAt(after: Date, hh: number, mm = 0): Date {
  const local = new Date(after.getTime() + 8 * HOUR);
  let at = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hh, mm) - 8 * HOUR;
  if (at < after.getTime()) at += DAY;
  return new Date(at);
}

async function run(now: Date) {
  const runner = await t.container.getAsync(JobRunner);
  const r = await runner.runNow('journeys.evaluate', { now });
  expect(r.ran).toBe(true);
  await settle(t);
}

async function addCustomer(o: { unionid?: string; name?: string; userid?: string } = {}) {
  const r = await fire(t, l, {
    event: { ChangeType: 'add_external_contact', UserID: o.userid ?? 'zhaoliu', customer: { name: o.name ?? '新客户', unionid: o.unionid } },
  });
  return r.results![0].externalUserId!;
}

async function journeysOf(ext: string) {
  return t.client(admin).call(J.customerJourneys, { params: { externalUserId: ext } });
}

async function journeyId(key: 'new_member' | 'wake_up') {
  return (await t.client(admin).call(J.listJourneys)).items.find((j) => j.builtinKey === key)!.id;
}

const messagesTo = async (ext: string) =>
  (await d.manager.find(WecomOutbound, { where: { kind: 'msg_template' } })).map((o) => JSON.parse(o.payload)).filter((p) => p.externalUserIds.includes(ext));

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  d = await t.container.getAsync(Db);
  storeId = (await makeStore(t, '滨江店')).id;
  owner = (await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' })).token;
  manager = (await staffToken(t, 'store_manager', { storeId, wecomUserId: 'mgr_zhang' })).token;
  admin = (await staffToken(t, 'hq_admin')).token;
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

test('the built-in journeys exist and are editable data', async () => {
  const { items } = await t.client(admin).call(J.listJourneys);
  expect(items.map((j) => j.builtinKey)).toEqual(['new_member', 'wake_up']);
  expect(items[1]).toMatchObject({
    trigger: { type: 'inactive', days: 30 },
    steps: [{ waitHours: 0 }, { waitHours: 72, action: { type: 'coupon' } }, { action: { type: 'staff_task', assignee: 'store_manager' } }],
  });
  const edited = await t.client(admin).call(J.updateJourney, { params: { journeyId: items[0].id }, body: { ...items[0], name: '新客旅程（改）' } });
  expect(edited).toMatchObject({ name: '新客旅程（改）', version: 2 });
  const restored = await t.client(admin).call(J.restoreJourney, { params: { journeyId: items[0].id } });
  expect(restored).toMatchObject({ name: '新客旅程', version: 3, steps: items[0].steps });
  await expect(t.client(owner).call(J.listJourneys)).rejects.toMatchObject({ code: 'FORBIDDEN' });
});

test('new-member journey: silent customer gets the day-3 recipe, then a day-7 greeting task for the owner', async () => {
  const member = await makeMember(t, { unionid: 'u-silent', storeId });
  const ext = await addCustomer({ unionid: 'u-silent', name: '陈阿姨' });
  let view = await journeysOf(ext);
  expect(view.items).toHaveLength(1);
  const e = view.items[0];
  expect(e).toMatchObject({
    journeyName: '新客旅程',
    status: 'active',
    nextStep: 0,
    nextStepName: '第3天·菜谱关怀',
    memberId: member.id,
    staffUserId: 'zhaoliu',
  });
  const enrolledAt = new Date(e.enrolledAt);

  await run(shanghaiAt(new Date(enrolledAt.getTime() + 2 * DAY), 10)); // day 2: nothing yet
  expect(await messagesTo(ext)).toHaveLength(0);

  const day3 = shanghaiAt(new Date(enrolledAt.getTime() + 72 * HOUR), 10);
  await run(day3);
  const msgs = await messagesTo(ext);
  expect(msgs).toHaveLength(1);
  expect(msgs[0]).toMatchObject({ sender: 'zhaoliu', externalUserIds: [ext] });
  expect(msgs[0].text).toMatch(/^陈阿姨您好～.*番茄炒蛋/);
  expect(msgs[0].attachments[0]).toMatchObject({ msgtype: 'miniprogram' });
  // the outbound worker created the mass message in WeCom for zhaoliu to confirm
  const { msgs: simMsgs } = await simGet(t, '/__sim/wecom/group-msgs');
  expect(simMsgs.filter((m: any) => m.targets.some((x: any) => x.externalUserId === ext))).toHaveLength(1);

  await run(day3); // running again changes nothing
  expect(await messagesTo(ext)).toHaveLength(1);

  const day7 = shanghaiAt(new Date(day3.getTime() + 96 * HOUR), 10);
  await run(day7);
  const tasks = await t.client(owner).call(J.listSidebarTasks, { query: { externalUserId: ext } });
  expect(tasks.items).toHaveLength(1);
  expect(tasks.items[0]).toMatchObject({ title: '一对一问候新客户', customerName: '陈阿姨', memberId: member.id, journeyName: '新客旅程', status: 'open' });
  // not the store manager's task
  expect((await t.client(manager).call(J.listSidebarTasks, { query: { externalUserId: ext } })).items).toHaveLength(0);
  const done = await t.client(owner).call(J.completeSidebarTask, { params: { taskId: tasks.items[0].id }, body: { outcome: 'done' } });
  expect(done.status).toBe('done');

  view = await journeysOf(ext);
  expect(view.items[0]).toMatchObject({ status: 'completed', nextStep: 2, nextDueAt: null });
  expect(view.items[0].log.map((x) => x.outcome)).toEqual(['enrolled', 'done', 'done', 'completed']);
  const j = await t.client(admin).call(J.getJourney, { params: { journeyId: await journeyId('new_member') } });
  expect(j.stats.completed).toBeGreaterThanOrEqual(1);
  const list = await t.client(admin).call(J.listEnrolments, { params: { journeyId: j.id }, query: { status: 'completed' } });
  expect(list.items.map((x) => x.externalUserId)).toContain(ext);
});

test('a customer who replied leaves the journey at the next check (goal met)', async () => {
  const ext = await addCustomer({ name: '回复的客户' });
  const enrolledAt = new Date((await journeysOf(ext)).items[0].enrolledAt);
  await t.client(owner).call(J.recordInteraction, { params: { externalUserId: ext }, body: { kind: 'replied' } });
  await run(shanghaiAt(new Date(enrolledAt.getTime() + 72 * HOUR), 10));
  expect(await messagesTo(ext)).toHaveLength(0);
  const e = (await journeysOf(ext)).items[0];
  expect(e).toMatchObject({ status: 'exited', exitReason: 'goal_met' });
});

test('wake-up journey: 30 days quiet -> caring message about the last purchase -> coupon -> store manager call task', async () => {
  const newMember = await journeyId('new_member');
  await t.client(admin).call(J.setJourneyActive, { params: { journeyId: newMember }, body: { active: false } });
  try {
    const member = await makeMember(t, { unionid: 'u-wake', storeId, openid: 'o-wake' });
    const ext = await addCustomer({ unionid: 'u-wake', name: '老顾客王' });
    const bus = await t.container.getAsync(EventBus);
    await d.transaction((em) =>
      bus.emit(em, 'OrderPaid', {
        orderId: 'ord-wake-1',
        memberId: member.id,
        storeId,
        amountFen: 8800,
        paidAt: new Date(Date.now() - 5 * DAY).toISOString(),
        items: [
          { name: '草莓', qty: 1 },
          { name: '鲜牛奶', qty: 2 },
        ],
      }),
    );
    await settle(t);

    const t0 = shanghaiAt(new Date(Date.now() + 31 * DAY), 10);
    await run(t0);
    const wake = (await journeysOf(ext)).items.find((x) => x.journeyName === '唤醒旅程')!;
    expect(wake).toMatchObject({ status: 'active', nextStep: 1, nextStepName: '回归礼券' });
    const msgs = await messagesTo(ext);
    expect(msgs).toHaveLength(1);
    expect(msgs[0].text).toBe('老顾客王，好久不见！上次您带走的草莓、鲜牛奶还合口味吗？店里最近到了新鲜的时令菜，有空来逛逛，我们都想您啦～');

    await run(new Date(t0.getTime() + 72 * HOUR));
    const { code } = await t.wechatCode({ openid: 'o-wake', unionid: 'u-wake' });
    const { token } = await t.client().call(identity.memberLogin, { body: { code } });
    const coupons = await t.client(token).call(J.myCoupons, { query: {} });
    expect(coupons.items).toEqual([expect.objectContaining({ title: '老朋友回归券', amountFen: 1000, minSpendFen: 5000, status: 'issued' })]);

    await run(new Date(t0.getTime() + 144 * HOUR));
    const mgrTasks = await t.client(manager).call(J.listSidebarTasks, { query: { externalUserId: ext } });
    expect(mgrTasks.items).toEqual([expect.objectContaining({ title: '电话回访老顾客', journeyName: '唤醒旅程' })]);
    expect((await t.client(owner).call(J.listSidebarTasks, { query: { externalUserId: ext } })).items).toHaveLength(0);

    const final = (await t.client(manager).call(J.sidebarJourneys, { params: { externalUserId: ext } })).items.find((x) => x.journeyName === '唤醒旅程')!;
    expect(final.status).toBe('completed');
    expect(final.log.map((x) => [x.stepName, x.outcome])).toEqual([
      [null, 'enrolled'],
      ['关怀消息', 'done'],
      ['回归礼券', 'done'],
      ['店长电话回访', 'done'],
      [null, 'completed'],
    ]);
  } finally {
    await t.client(admin).call(J.setJourneyActive, { params: { journeyId: newMember }, body: { active: true } });
  }
});

describe('quiet hours, caps and opt-out', () => {
  let custom: number;
  beforeAll(async () => {
    // a one-step message journey started by an order, to drive message steps on demand
    custom = (
      await t.client(admin).call(J.createJourney, {
        body: {
          name: '下单感谢',
          trigger: { type: 'order_paid' },
          steps: [{ name: '感谢', waitHours: 0, condition: 'always', action: { type: 'message', text: '感谢{客户称呼}下单！' } }],
        },
      })
    ).id;
  });

  async function orderingCustomer(name: string) {
    const unionid = `u-${name}`;
    const member = await makeMember(t, { unionid, storeId });
    const ext = await addCustomer({ unionid, name });
    let n = 0;
    const order = async () => {
      const bus = await t.container.getAsync(EventBus);
      await d.transaction((em) =>
        bus.emit(em, 'OrderPaid', {
          orderId: `${name}-${++n}-${Date.now()}`,
          memberId: member.id,
          storeId,
          amountFen: 100,
          paidAt: new Date().toISOString(),
          items: [],
        }),
      );
      await settle(t);
    };
    return { ext, member, order };
  }

  const thanks = (ext: string) => journeysOf(ext).then((v) => v.items.filter((x) => x.journeyId === custom));

  test('no messages between 21:00 and 09:00 Shanghai: deferred to 09:00, then sent', async () => {
    const c = await orderingCustomer('夜猫子');
    await c.order();
    const night = shanghaiAt(new Date(Date.now() + DAY), 22, 30);
    await run(night);
    let e = (await thanks(c.ext))[0];
    expect(e.log.at(-1)).toMatchObject({ outcome: 'deferred_quiet_hours' });
    expect(e.nextDueAt).toBe(shanghaiAt(night, 9).toISOString());
    expect(await messagesTo(c.ext)).toHaveLength(0);
    await run(shanghaiAt(night, 8, 59));
    expect(await messagesTo(c.ext)).toHaveLength(0);
    await run(shanghaiAt(night, 9, 0));
    e = (await thanks(c.ext))[0];
    expect(e.status).toBe('completed');
    expect(await messagesTo(c.ext)).toHaveLength(1);
  });

  test('the weekly cap holds further messages to next week', async () => {
    await t.client(admin).call(J.updateJourneySettings, { body: { quietStart: '21:00', quietEnd: '09:00', weeklyCapPerCustomer: 1 } });
    try {
      const c = await orderingCustomer('常客');
      const at = shanghaiAt(new Date(Date.now() + 2 * DAY), 11);
      await c.order();
      await run(at);
      expect(await messagesTo(c.ext)).toHaveLength(1);
      await c.order();
      await run(new Date(at.getTime() + HOUR));
      const second = (await thanks(c.ext)).find((x) => x.status === 'active')!;
      expect(second.log.at(-1)).toMatchObject({ outcome: 'deferred_weekly_cap' });
      const monday = new Date(second.nextDueAt!);
      expect(new Date(monday.getTime() + 8 * HOUR).getUTCDay()).toBe(1); // a Monday, Shanghai
      expect(await messagesTo(c.ext)).toHaveLength(1);
    } finally {
      await t.client(admin).call(J.updateJourneySettings, { body: { quietStart: '21:00', quietEnd: '09:00', weeklyCapPerCustomer: 2 } });
    }
  });

  test('the weekly cap holds across evaluation batches (the next batch is read while the last one is written)', async () => {
    const engine = await t.container.getAsync(JourneyEngine);
    const second = (
      await t.client(admin).call(J.createJourney, {
        body: {
          name: '下单关怀',
          trigger: { type: 'order_paid' },
          steps: [{ name: '关怀', waitHours: 0, condition: 'always', action: { type: 'message', text: '{客户称呼}，菜还新鲜吗？' } }],
        },
      })
    ).id;
    await t.client(admin).call(J.updateJourneySettings, { body: { quietStart: '21:00', quietEnd: '09:00', weeklyCapPerCustomer: 1 } });
    const size = engine.batchSize;
    engine.batchSize = 1; // one enrolment per batch: the customer's two enrolments land in different batches
    try {
      const c = await orderingCustomer('两家都关怀');
      await c.order(); // enrols the customer in both order journeys
      await run(shanghaiAt(new Date(Date.now() + 3 * DAY), 11));
      expect(await messagesTo(c.ext)).toHaveLength(1);
      const logs = (await journeysOf(c.ext)).items.filter((x) => x.journeyId === custom || x.journeyId === second).map((x) => x.log.map((s) => s.outcome));
      expect(logs).toHaveLength(2);
      expect(logs.filter((o) => o.includes('done'))).toHaveLength(1);
      expect(logs.filter((o) => o.includes('deferred_weekly_cap'))).toHaveLength(1);
    } finally {
      engine.batchSize = size;
      await t.client(admin).call(J.setJourneyActive, { params: { journeyId: second }, body: { active: false } });
      await t.client(admin).call(J.updateJourneySettings, { body: { quietStart: '21:00', quietEnd: '09:00', weeklyCapPerCustomer: 2 } });
    }
  });

  test("WeCom's monthly limit (as many as days in the month) holds messages to next month", async () => {
    const c = await orderingCustomer('满额');
    // the 20th of next month, 11:00 Shanghai: the month began in an earlier week
    const local = new Date(Date.now() + 8 * HOUR);
    const y = local.getUTCFullYear();
    const m = local.getUTCMonth() + 1;
    const at = new Date(Date.UTC(y, m, 20, 11) - 8 * HOUR);
    const monthStart = new Date(Date.UTC(y, m, 1) - 8 * HOUR);
    const days = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const rows = Array.from({ length: days }, (_, i) => ({
      enrolmentId: 0,
      stepIndex: 0,
      outcome: 'done',
      detail: null,
      messageTo: c.ext,
      at: new Date(monthStart.getTime() + DAY + i * 60_000),
    }));
    await d.manager.createQueryBuilder().insert().into(JourneyStepLog).values(rows).execute();
    await c.order();
    await run(at);
    const e = (await thanks(c.ext))[0];
    expect(e.log.at(-1)!.outcome).toBe('deferred_monthly_limit');
    expect(e.nextDueAt).toBe(new Date(Date.UTC(y, m + 1, 1) - 8 * HOUR).toISOString());
    expect(await messagesTo(c.ext)).toHaveLength(0);
  });

  test('an opted-out customer gets no journey message; the journey goes on', async () => {
    const c = await orderingCustomer('免打扰');
    expect(await t.client(owner).call(J.setOptOut, { params: { externalUserId: c.ext }, body: { optedOut: true } })).toEqual({ optedOut: true });
    await c.order();
    await run(shanghaiAt(new Date(Date.now() + 4 * DAY), 11));
    const e = (await thanks(c.ext))[0];
    expect(e.status).toBe('completed');
    expect(e.log.map((x) => x.outcome)).toEqual(['enrolled', 'skipped_opted_out', 'completed']);
    expect(await messagesTo(c.ext)).toHaveLength(0);
    expect((await journeysOf(c.ext)).optedOut).toBe(true);
  });

  test('the sidebar sees only customers the staff member may see', async () => {
    const other = await staffToken(t, 'staff', { wecomUserId: 'stranger' });
    const c = await orderingCustomer('隐私');
    await expect(t.client(other.token).call(J.recordInteraction, { params: { externalUserId: c.ext }, body: { kind: 'replied' } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(t.client(other.token).call(J.sidebarJourneys, { params: { externalUserId: c.ext } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

test('tag and class triggers enrol members; account deletion stops their journeys', async () => {
  const tagJourney = await t.client(admin).call(J.createJourney, {
    body: {
      name: '烹饪爱好者关怀',
      trigger: { type: 'tag_added', tagName: '烹饪爱好者' },
      steps: [{ name: '推荐课程', waitHours: 24, condition: 'no_order', action: { type: 'staff_task', title: '推荐一节烹饪课' } }],
    },
  });
  const classJourney = await t.client(admin).call(J.createJourney, {
    body: {
      name: '课后回访',
      trigger: { type: 'class_checked_in' },
      steps: [{ name: '课后打标签', waitHours: 0, condition: 'always', action: { type: 'add_tag', tagName: '上过课' } }],
    },
  });
  const member = await makeMember(t, { unionid: 'u-trig', storeId, openid: 'o-trig' });
  const ext = await addCustomer({ unionid: 'u-trig', name: '学员' });
  const { TagService } = await import('../../src/modules/tags/tag.service');
  await d.transaction(async (em) => (await t.container.getAsync(TagService)).grant(em, member.id, ['烹饪爱好者'], 'test'));
  const bus = await t.container.getAsync(EventBus);
  await d.transaction((em) => bus.emit(em, 'ClassCheckedIn', { registrationId: 1, sessionId: 1, classId: 7, storeId, memberId: member.id, tags: [] }));
  await settle(t);
  const names = (await journeysOf(ext)).items.map((x) => x.journeyName);
  expect(names).toEqual(expect.arrayContaining(['烹饪爱好者关怀', '课后回访']));
  // a daytime instant less than 24 h away, so the tag journey's 24-hour step is not due yet
  const soon = shanghaiAt(new Date(), 11);
  await run(soon.getTime() - Date.now() > 23 * HOUR ? new Date(Date.now() + HOUR) : soon);
  const after = (await journeysOf(ext)).items.find((x) => x.journeyId === classJourney.id)!;
  expect(after).toMatchObject({ status: 'completed' });
  expect(after.log.find((x) => x.outcome === 'done')!.detail).toBe('打标签：上过课');

  // 「我的数据」 lists the journeys; deleting the account ends the active ones and unlinks them
  const { code } = await t.wechatCode({ openid: 'o-trig', unionid: 'u-trig' });
  const { token } = await t.client().call(identity.memberLogin, { body: { code } });
  const mine = await t.client(token).call(identity.getMyData);
  expect(mine.activity.journeys.map((x) => x.journey)).toEqual(expect.arrayContaining(['烹饪爱好者关怀', '课后回访']));
  await t.client(token).call(identity.deleteMe, { body: { confirm: true } });
  await settle(t);
  const left = await d.manager.find(JourneyEnrolment, { where: { externalUserId: ext } });
  expect(left.every((e) => e.memberId === null)).toBe(true);
  expect(left.find((e) => e.journeyId === tagJourney.id)).toMatchObject({ status: 'exited', exitReason: 'member_deleted' });
});

test('a deleted contact leaves its journeys', async () => {
  const ext = await addCustomer({ name: '删好友' });
  await fire(t, l, { event: { ChangeType: 'del_follow_user', UserID: 'zhaoliu', ExternalUserID: ext } });
  const e = (await journeysOf(ext)).items[0];
  expect(e).toMatchObject({ status: 'exited', exitReason: 'contact_lost' });
  expect(await d.manager.count(JourneyEnrolment, { where: { externalUserId: ext, status: 'active' } })).toBe(0);
  void wecom;
});

test('wake-up steps 2 and 3 write coupons and store-manager tasks set-based, exactly once, across batches', async () => {
  const engine = await t.container.getAsync(JourneyEngine);
  const newMember = await journeyId('new_member');
  const wakeUp = await journeyId('wake_up');
  await t.client(admin).call(J.setJourneyActive, { params: { journeyId: newMember }, body: { active: false } });
  const size = engine.batchSize;
  engine.batchSize = 2; // several batches, with other tests' quiet customers mixed in
  try {
    const north = (await makeStore(t, '城北店')).id;
    // home stores: another store, the owner's store, none (-> the owning staff member's store)
    const homes = [north, storeId, null];
    const exts: string[] = [];
    for (const [i, home] of homes.entries()) {
      await makeMember(t, { unionid: `u-bulk-${i}`, storeId: home });
      exts.push(await addCustomer({ unionid: `u-bulk-${i}`, name: `批量${i}` }));
    }
    const t0 = shanghaiAt(new Date(Date.now() + 60 * DAY), 10);
    await run(t0);
    const enrolments = await d.manager.find(JourneyEnrolment, { where: { journeyId: wakeUp, externalUserId: In(exts) } });
    expect(enrolments).toHaveLength(3);
    const byExt = new Map(enrolments.map((e) => [e.externalUserId, e]));

    // a coupon already there for one enrolment's step (an earlier attempt) is kept, not doubled
    const e0 = byExt.get(exts[0])!;
    const early = new Date(t0.getTime() + HOUR);
    await d.manager.insert(JourneyCoupon, {
      idemKey: `journey:${e0.id}:1`,
      memberId: e0.memberId,
      externalUserId: exts[0],
      enrolmentId: e0.id,
      title: '老朋友回归券',
      amountFen: 1000,
      minSpendFen: 5000,
      validUntil: early,
      status: 'issued',
      issuedAt: early,
    });
    const t2 = new Date(t0.getTime() + 72 * HOUR);
    await run(t2);
    const coupons = await d.manager.find(JourneyCoupon, { where: { externalUserId: In(exts) }, order: { id: 'ASC' } });
    expect(coupons.map((c) => c.externalUserId).sort()).toEqual([...exts].sort());
    for (const c of coupons) {
      const e = byExt.get(c.externalUserId)!;
      expect(c).toMatchObject({
        idemKey: `journey:${e.id}:1`,
        enrolmentId: e.id,
        memberId: e.memberId,
        title: '老朋友回归券',
        amountFen: 1000,
        minSpendFen: 5000,
        status: 'issued',
      });
      expect(new Date(c.validUntil).getTime()).toBe(c.externalUserId === exts[0] ? early.getTime() : t2.getTime() + 7 * DAY);
    }

    const t3 = new Date(t0.getTime() + 144 * HOUR);
    await run(t3);
    await run(t3); // the same instant again: nothing is due, nothing is written twice
    const tasks = await d.manager.find(StaffTask, { where: { externalUserId: In(exts) } });
    expect(tasks.map((x) => [x.externalUserId, x.assignee, x.storeId, x.staffUserId, x.idemKey, x.title]).sort()).toEqual(
      exts.map((ext, i) => [ext, 'store_manager', homes[i] ?? storeId, null, `journey:${byExt.get(ext)!.id}:2`, '电话回访老顾客']).sort(),
    );
    expect(tasks.every((x) => x.status === 'open' && new Date(x.dueAt).getTime() === t3.getTime() + 72 * HOUR && x.journeyName === '唤醒旅程')).toBe(true);
    expect(await d.manager.count(JourneyCoupon, { where: { externalUserId: In(exts) } })).toBe(3);
    for (const ext of exts) {
      const wake = (await journeysOf(ext)).items.find((x) => x.journeyId === wakeUp)!;
      expect(wake.status).toBe('completed');
      expect(wake.log.map((x) => [x.stepName, x.outcome])).toEqual([
        [null, 'enrolled'],
        ['关怀消息', 'done'],
        ['回归礼券', 'done'],
        ['店长电话回访', 'done'],
        [null, 'completed'],
      ]);
    }
  } finally {
    engine.batchSize = size;
    await t.client(admin).call(J.setJourneyActive, { params: { journeyId: newMember }, body: { active: true } });
  }
});
