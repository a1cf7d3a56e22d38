import type { JourneyStep } from '../../../contracts/journeys';
import { decideBatch, type DecideBatch, type DecideRun } from '../../src/modules/journeys/engine-decide';

// 2026-12-07 10:00 Shanghai (02:00 UTC), a Monday: outside the default quiet hours
const now = new Date('2026-12-07T02:00:00Z');
const enrolledAt = new Date('2026-11-01T02:00:00Z');
const step = (s: Partial<JourneyStep> & Pick<JourneyStep, 'action'>): JourneyStep => ({ waitHours: 0, condition: 'always', ...s }) as JourneyStep;

function run(steps: JourneyStep[], o: Partial<DecideRun> = {}): DecideRun {
  return {
    journeys: new Map([[1, { id: 1, name: '唤醒旅程' }]]),
    steps: new Map([[1, steps]]),
    settings: { quietStart: '21:00', quietEnd: '09:00', weeklyCap: 2 },
    now,
    week: new Date('2026-12-06T16:00:00Z'),
    month: { start: new Date('2026-11-30T16:00:00Z'), days: 31 },
    runSent: new Map(),
    ...o,
  };
}

function batch(n: number, o: Partial<DecideBatch> = {}): DecideBatch {
  const due = Array.from({ length: n }, (_, i) => ({
    id: 100 + i,
    journeyId: 1,
    externalUserId: `wm${i}`,
    memberId: 10 + i,
    staffUserId: 'zhaoliu',
    nextStep: 0,
    enrolledAt,
  }));
  return {
    due,
    customers: new Map(due.map((e) => [e.externalUserId, { memberId: e.memberId, staffUserId: 'zhaoliu', lostAt: null, lastReplyAt: null, optedOut: false }])),
    activity: new Map(),
    counts: new Map(),
    names: new Map([['wm0', '王阿姨']]),
    staff: new Map([['zhaoliu', { displayName: '赵六', storeId: 3, storeName: '滨江店' }]]),
    memberStores: new Map(),
    ...o,
  };
}

const message = step({
  condition: 'no_interaction',
  action: { type: 'message', text: '{客户称呼}，好久不见！上次您带走的{上次购买}还合口味吗？', attachments: [] },
});

describe('decideBatch (journey decisions over a batch, no database)', () => {
  it('drafts a message with its placeholders, logs it and moves the enrolment on to the next step', () => {
    const plan = decideBatch(
      run([message, step({ waitHours: 72, action: { type: 'coupon', title: '回店券', amountFen: 500, minSpendFen: 3000, validDays: 7 } })]),
      batch(1),
    );
    expect(plan.messages).toHaveLength(1);
    expect(plan.messages[0]).toMatchObject({
      idemKey: 'journey:100:0',
      sender: 'zhaoliu',
      externalUserId: 'wm0',
      vars: { 客户称呼: '王阿姨', 员工姓名: '赵六', 门店: '滨江店', 上次购买: '家常好菜' },
    });
    expect(plan.logs).toEqual([{ enrolmentId: 100, stepIndex: 0, outcome: 'done', detail: '已生成群发消息，待员工确认发送', messageTo: 'wm0', at: now }]);
    expect([...plan.advance.values()]).toEqual([{ ids: [100], from: 0, to: 1, due: new Date(now.getTime() + 72 * 3_600_000), status: 'active' }]);
    expect(plan.sent.get('wm0')).toBe(1);
    expect(plan.stepsRun).toBe(1);
  });

  it('exits customers who interacted since they entered, or who are no longer contacts', () => {
    const b = batch(2);
    b.activity.set(10, { lastInteractionAt: new Date('2026-11-20T00:00:00Z'), lastVisitAt: null, lastOrderAt: null, lastReplyAt: null, lastOrderTitle: null });
    b.customers.set('wm1', { ...b.customers.get('wm1')!, lostAt: new Date('2026-11-15T00:00:00Z') });
    const plan = decideBatch(run([message]), b);
    expect(plan.messages).toHaveLength(0);
    expect(plan.exits).toEqual(
      new Map([
        ['goal_met', [100]],
        ['contact_lost', [101]],
      ]),
    );
    expect(plan.exited).toBe(2);
  });

  it('holds a message past the weekly cap, counting this run and this batch, and in quiet hours', () => {
    const twoJourneys = run([message], {
      journeys: new Map([
        [1, { id: 1, name: 'a' }],
        [2, { id: 2, name: 'b' }],
      ]),
      steps: new Map([
        [1, [message]],
        [2, [message]],
      ]),
      runSent: new Map([['wm0', 1]]),
    });
    const b = batch(1);
    b.due.push({ ...b.due[0], id: 200, journeyId: 2 });
    const plan = decideBatch(twoJourneys, b);
    // one sent earlier in the run + the first of this batch reach the cap of 2: the second waits for next week
    expect(plan.messages.map((m) => m.enrolmentId)).toEqual([100]);
    expect(plan.defer).toEqual(new Map([[new Date('2026-12-13T16:00:00Z').getTime(), [200]]]));
    expect(plan.logs.find((l) => l.enrolmentId === 200)?.outcome).toBe('deferred_weekly_cap');

    const night = decideBatch(run([message], { now: new Date('2026-12-07T14:00:00Z') }), batch(1)); // 22:00 Shanghai
    expect(night.messages).toHaveLength(0);
    expect(night.logs[0].outcome).toBe('deferred_quiet_hours');
    expect([...night.defer.keys()]).toEqual([new Date('2026-12-08T01:00:00Z').getTime()]); // 09:00 Shanghai
  });

  it('writes typed coupon and store-manager task rows; the last step completes the journey', () => {
    const steps = [
      step({ action: { type: 'coupon', title: '回店券', amountFen: 500, minSpendFen: 3000, validDays: 7 } }),
      step({ action: { type: 'staff_task', assignee: 'store_manager', title: '电话回访', detail: '问问近况', dueHours: 48 } }),
    ];
    const first = decideBatch(run(steps), batch(1));
    expect(first.coupons).toEqual([
      {
        idemKey: 'journey:100:0',
        journeyId: expect.any(Number),
        stepIndex: 0,
        memberId: 10,
        externalUserId: 'wm0',
        enrolmentId: 100,
        title: '回店券',
        amountFen: 500,
        minSpendFen: 3000,
        validUntil: new Date(now.getTime() + 7 * 86_400_000),
        status: 'issued',
        issuedAt: now,
      },
    ]);
    const b = batch(2, { memberStores: new Map([[10, 7]]) });
    b.due.forEach((e) => (e.nextStep = 1));
    const second = decideBatch(run(steps), b);
    // member 10's home store; member 11 has none: the owning staff member's store
    expect(second.tasks.map((t) => [t.idemKey, t.assignee, t.storeId, t.staffUserId, t.journeyName])).toEqual([
      ['journey:100:1', 'store_manager', 7, null, '唤醒旅程'],
      ['journey:101:1', 'store_manager', 3, null, '唤醒旅程'],
    ]);
    expect(second.completed).toBe(2);
    expect([...second.advance.values()][0]).toMatchObject({ ids: [100, 101], status: 'completed', due: null });
  });
});
