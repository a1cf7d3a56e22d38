/** MemberRegistered → journeys' activity projection, set-based: a run records the same visits as one by one. */
import { In } from 'typeorm';
import { Db } from '../../src/core/db';
import type { DeliveredEvent } from '../../src/core/events/types';
import { ActivityLog, MemberActivity } from '../../src/modules/journeys/entities/member-activity.entity';
import { JourneysListener } from '../../src/modules/journeys/journeys.listener';
import { startTestApp, type TestApp } from '../helpers/app';
import { countStatements, expectRunAsOneByOne, fakeEvents } from '../helpers/batch-delivery';
import { makeMember } from '../helpers/fixtures';

let t: TestApp;
let d: Db;
beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;
const ms = (v: Date | null) => (v === null ? null : new Date(v).getTime());

/** A new member (heard twice) and one with activity already: a later interaction and an order stay. */
async function scenario() {
  const [a, b] = await Promise.all([makeMember(t), makeMember(t)]);
  const future = new Date(Date.now() + DAY);
  const old = new Date(Date.now() - 10 * DAY);
  await d.manager.insert(MemberActivity, {
    memberId: b.id,
    lastInteractionAt: future,
    lastVisitAt: old,
    lastOrderAt: old,
    lastCheckinAt: null,
    lastReplyAt: null,
    lastOrderTitle: '鲜虾饺',
  });
  const reg = (memberId: number) => ({ memberId, unionid: null, storeId: null, referrerMemberId: null });
  return { a, b, future, old, payloads: [reg(a.id), reg(b.id), reg(a.id)] };
}

async function expectOutcome(s: Awaited<ReturnType<typeof scenario>>, events: Array<DeliveredEvent<'MemberRegistered'>>) {
  expect(events).toHaveLength(3);
  const logs = await d.manager.find(ActivityLog, { where: { sourceKey: In(events.map((e) => `evt:${e.id}`)) }, order: { id: 'ASC' } });
  expect(logs.map((l) => [l.memberId, l.externalUserId, l.kind, ms(l.at), l.sourceKey])).toEqual(
    events.map((e) => [e.payload.memberId, null, 'visit', ms(e.createdAt), `evt:${e.id}`]),
  );
  const rows = new Map((await d.manager.findBy(MemberActivity, { memberId: In([s.a.id, s.b.id]) })).map((r) => [r.memberId, r]));
  const lastOfA = Math.max(ms(events[0].createdAt)!, ms(events[2].createdAt)!);
  expect(rows.get(s.a.id)).toMatchObject({ lastOrderAt: null, lastCheckinAt: null, lastReplyAt: null, lastOrderTitle: null });
  expect([ms(rows.get(s.a.id)!.lastInteractionAt), ms(rows.get(s.a.id)!.lastVisitAt)]).toEqual([lastOfA, lastOfA]);
  const b = rows.get(s.b.id)!;
  expect([ms(b.lastInteractionAt), ms(b.lastVisitAt), ms(b.lastOrderAt), b.lastOrderTitle]).toEqual([
    ms(s.future),
    ms(events[1].createdAt),
    ms(s.old),
    '鲜虾饺',
  ]);
}

test('a run of MemberRegistered records the same visits and activity as one by one; a redelivery adds nothing', async () => {
  await expectRunAsOneByOne(t, 'MemberRegistered', scenario, [await t.container.getAsync(JourneysListener), 'registered'], expectOutcome);
});

test('a batch of first visits takes a constant number of statements', async () => {
  const listener = await t.container.getAsync(JourneysListener);
  const statements = async (n: number, firstId: number) => {
    const events = fakeEvents(
      'MemberRegistered',
      Array.from({ length: n }, (_, i) => ({ memberId: firstId + (i % Math.ceil(n / 2)), unionid: null, storeId: null, referrerMemberId: null })),
      firstId,
    );
    const sent = await countStatements(t, () => d.transaction((em) => listener.registered(events, em)));
    expect(await d.manager.countBy(ActivityLog, { sourceKey: In(events.map((e) => `evt:${e.id}`)) })).toBe(n);
    expect(await d.manager.countBy(MemberActivity, { memberId: In(events.map((e) => e.payload.memberId)) })).toBe(Math.ceil(n / 2));
    return sent.length;
  };
  const few = await statements(4, 9_000_000);
  expect(few).toBeGreaterThan(0);
  expect(few).toBeLessThan(10);
  expect(await statements(40, 9_100_000)).toBe(few);
});
