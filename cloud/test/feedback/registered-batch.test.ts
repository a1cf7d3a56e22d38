/** MemberRegistered and ClassRegistered → feedback's member signals, set-based: a run records the same signals as one by one. */
import { In } from 'typeorm';
import { Db } from '../../src/core/db';
import type { DeliveredEvent, DomainEventMap } from '../../src/core/events/types';
import '../../src/modules/classes/events';
import { FeedbackSignal } from '../../src/modules/feedback/entities/feedback.entity';
import { FeedbackListener } from '../../src/modules/feedback/feedback.listener';
import { startTestApp, type TestApp } from '../helpers/app';
import { countStatements, expectRunAsOneByOne, fakeEvents } from '../helpers/batch-delivery';

let t: TestApp;
let d: Db;
beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const ms = (v: Date) => new Date(v).getTime();
let next = 700_000;

async function expectSignals(events: Array<DeliveredEvent<'MemberRegistered' | 'ClassRegistered'>>) {
  const rows = await d.manager.find(FeedbackSignal, { where: { sourceKey: In(events.map((e) => `evt:${e.id}`)) }, order: { id: 'ASC' } });
  expect(rows.map((r) => [r.sourceKey, r.memberId, r.kind, ms(r.at)])).toEqual(
    events.map((e) => [`evt:${e.id}`, e.payload.memberId, 'interaction', ms(e.createdAt)]),
  );
}

test('a run of MemberRegistered records the same interactions as one by one; a redelivery adds nothing', async () => {
  const reg = (memberId: number) => ({ memberId, unionid: null, storeId: null, referrerMemberId: null });
  const payloads = () => {
    const a = next++;
    return [reg(a), reg(next++), reg(a)]; // a member heard twice: two events, two interactions
  };
  await expectRunAsOneByOne(
    t,
    'MemberRegistered',
    async () => ({ payloads: payloads() }),
    [await t.container.getAsync(FeedbackListener), 'registered'],
    (_s, events) => expectSignals(events),
  );
});

test('a run of ClassRegistered records the same interactions as one by one; a redelivery adds nothing', async () => {
  const payloads = (): Array<DomainEventMap['ClassRegistered']> => {
    const m = next++;
    return [
      { registrationId: next++, sessionId: 1, classId: 1, memberId: m },
      { registrationId: next++, sessionId: 1, classId: 1, memberId: next++ },
      { registrationId: next++, sessionId: 2, classId: 1, memberId: m },
    ];
  };
  await expectRunAsOneByOne(
    t,
    'ClassRegistered',
    async () => ({ payloads: payloads() }),
    [await t.container.getAsync(FeedbackListener), 'classRegistered'],
    (_s, events) => expectSignals(events),
  );
});

test('a batch of either takes one statement whatever its size', async () => {
  const listener = await t.container.getAsync(FeedbackListener);
  for (const n of [3, 40]) {
    const firstId = 9_000_000 + n * 1000;
    const regs = fakeEvents(
      'MemberRegistered',
      Array.from({ length: n }, (_, i) => ({ memberId: firstId + i, unionid: null, storeId: null, referrerMemberId: null })),
      firstId,
    );
    const classes = fakeEvents(
      'ClassRegistered',
      Array.from({ length: n }, (_, i) => ({ registrationId: firstId + i, sessionId: 1, classId: 1, memberId: firstId + i })),
      firstId + n,
    );
    const sent = await countStatements(t, async () => {
      await listener.registered(regs, d.manager);
      await listener.classRegistered(classes, d.manager);
    });
    expect(sent).toHaveLength(2);
    expect(await d.manager.countBy(FeedbackSignal, { sourceKey: In([...regs, ...classes].map((e) => `evt:${e.id}`)) })).toBe(2 * n);
  }
});
