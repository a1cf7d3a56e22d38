/** MemberRegistered and ClassRegistered → insight's read models, set-based: a run leaves the same rows as one by one. */
import { In } from 'typeorm';
import { Db } from '../../src/core/db';
import type { DeliveredEvent, DomainEventMap } from '../../src/core/events/types';
import '../../src/modules/classes/events';
import { InsightActivity, InsightMember } from '../../src/modules/insight/entities/insight.entity';
import { InsightListener } from '../../src/modules/insight/insight.listener';
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
const OLD = new Date('2025-03-01T02:00:00Z');
let next = 700_000;

/** A new member heard twice (the first event's store wins), another new one, one insight knew already. */
async function memberScenario() {
  const [a, b, known] = [next++, next++, next++];
  await d.manager.insert(InsightMember, { memberId: known, storeId: 7, householdId: 3, householdKind: 'adults', ownerStaffId: 5, registeredAt: OLD });
  const reg = (memberId: number, storeId: number | null) => ({ memberId, unionid: null, storeId, referrerMemberId: null });
  return { a, b, known, payloads: [reg(a, 1), reg(b, null), reg(known, 2), reg(a, 9)] };
}

async function expectMembers(s: Awaited<ReturnType<typeof memberScenario>>, events: Array<DeliveredEvent<'MemberRegistered'>>) {
  const rows = await d.manager.find(InsightMember, { where: { memberId: In([s.a, s.b, s.known]) }, order: { memberId: 'ASC' } });
  expect(rows.map((r) => [r.memberId, r.storeId, r.householdId, r.householdKind, r.ownerStaffId, ms(r.registeredAt)])).toEqual([
    [s.a, 1, null, null, null, ms(events[0].createdAt)],
    [s.b, null, null, null, null, ms(events[1].createdAt)],
    [s.known, 7, 3, 'adults', 5, ms(OLD)],
  ]);
}

test('a run of MemberRegistered adds the same insight members as one by one; a redelivery adds nothing', async () => {
  await expectRunAsOneByOne(t, 'MemberRegistered', memberScenario, [await t.container.getAsync(InsightListener), 'registered'], expectMembers);
});

/** Two registrations, one heard twice (the first event's moment stays), one whose moment insight has already. */
async function classScenario() {
  const [r1, r2, r3, m] = [next++, next++, next++, next++];
  await d.manager.insert(InsightActivity, { sourceKey: `classreg:${r3}`, memberId: m, kind: 'registration', at: OLD });
  const reg = (registrationId: number): DomainEventMap['ClassRegistered'] => ({ registrationId, sessionId: 1, classId: 1, memberId: m });
  return { r1, r2, r3, m, payloads: [reg(r1), reg(r2), reg(r1), reg(r3)] };
}

async function expectActivity(s: Awaited<ReturnType<typeof classScenario>>, events: Array<DeliveredEvent<'ClassRegistered'>>) {
  const rows = await d.manager.find(InsightActivity, { where: { memberId: s.m }, order: { sourceKey: 'ASC' } });
  expect(rows.map((r) => [r.sourceKey, r.memberId, r.kind, ms(r.at)])).toEqual(
    [
      [`classreg:${s.r1}`, s.m, 'registration', ms(events[0].createdAt)],
      [`classreg:${s.r2}`, s.m, 'registration', ms(events[1].createdAt)],
      [`classreg:${s.r3}`, s.m, 'registration', ms(OLD)],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
  );
}

test('a run of ClassRegistered records the same activity as one by one; a redelivery adds nothing', async () => {
  await expectRunAsOneByOne(t, 'ClassRegistered', classScenario, [await t.container.getAsync(InsightListener), 'classRegistered'], expectActivity);
});

test('a batch of either takes one statement whatever its size', async () => {
  const listener = await t.container.getAsync(InsightListener);
  for (const n of [3, 40]) {
    const firstId = 9_000_000 + n * 1000;
    const regs = fakeEvents(
      'MemberRegistered',
      Array.from({ length: n }, (_, i) => ({ memberId: firstId + i, unionid: null, storeId: 1, referrerMemberId: null })),
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
    expect(await d.manager.countBy(InsightMember, { memberId: In(regs.map((e) => e.payload.memberId)) })).toBe(n);
    expect(await d.manager.countBy(InsightActivity, { sourceKey: In(classes.map((e) => `classreg:${e.payload.registrationId}`)) })).toBe(n);
  }
});
