/**
 * Seat races (the real proof runs on MariaDB with TEST_MYSQL_URL; on SQLite the same requests are
 * serialised): 60 parallel registrations for 20 seats, one member racing themself, parallel
 * cancellations promoting in arrival order, and mixed adult/child parties never overselling.
 * Arrival = the order in which the server accepted registrations (the session row's arrival_seq).
 */
import * as api from '../../../contracts/classes';
import { ApiError } from '../../../contracts/client';
import { ClassRegistration } from '../../src/modules/classes/entities/class-registration.entity';
import { ClassSession } from '../../src/modules/classes/entities/class-session.entity';
import { ClassesSettings } from '../../src/modules/classes/settings';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeStore } from '../helpers/fixtures';
import { classBody, memberToken, staffToken } from './kit';

let t: TestApp;
let hq: string;
let storeId: number;

beforeAll(async () => {
  t = await startTestApp();
  storeId = (await makeStore(t)).id;
  hq = (await staffToken(t, 'hq_admin', null)).token;
});
afterAll(async () => {
  await t?.close();
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('60 parallel registrations for 20 seats: exactly 20 confirmed, waitlist in arrival order without gaps; parallel cancels promote in order', async () => {
  const cls = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { adultSeats: 20 }) });
  const sessionId = cls.sessions[0].id;
  const members = await Promise.all(range(60).map(() => memberToken(t)));
  const answers = await Promise.all(members.map((m) => t.client(m.token).call(api.register, { params: { sessionId }, body: { adults: 1 } })));

  const confirmed = answers.filter((a) => a.status === 'confirmed');
  const waiting = answers.filter((a) => a.status === 'waitlisted');
  expect(confirmed).toHaveLength(20);
  expect(waiting).toHaveLength(40);

  const d = await db(t);
  const rows = await d.manager.find(ClassRegistration, { where: { sessionId } });
  expect(rows).toHaveLength(60);
  const seqOf = new Map(rows.map((r) => [r.id, r.arrivalSeq!]));
  // every accepted registration got a distinct arrival number 1..60; the seats went to the first 20
  expect([...seqOf.values()].sort((a, b) => a - b)).toEqual(range(60));
  expect(confirmed.map((a) => seqOf.get(a.id)!).sort((a, b) => a - b)).toEqual(range(20));
  // positions told to the members: 1..40 with no gaps or duplicates, in arrival order
  expect(waiting.map((a) => a.waitlistPosition!).sort((a, b) => a - b)).toEqual(range(40));
  const byArrival = [...waiting].sort((a, b) => seqOf.get(a.id)! - seqOf.get(b.id)!);
  expect(byArrival.map((a) => a.waitlistPosition)).toEqual(range(40));
  const s = await d.manager.findOneByOrFail(ClassSession, { id: sessionId });
  expect(s).toMatchObject({ adultLeft: 0, waitingCount: 40, arrivalSeq: 60 });

  // 10 confirmed members cancel at once: the first 10 waiting (by arrival) are promoted, no more
  const leavers = confirmed.slice(0, 10);
  await Promise.all(
    leavers.map((r) => {
      const m = members[answers.indexOf(r)];
      return t.client(m.token).call(api.cancelRegistration, { params: { registrationId: r.id } });
    }),
  );
  const after = await d.manager.find(ClassRegistration, { where: { sessionId } });
  const promoted = after.filter((r) => r.promotedAt !== null).map((r) => r.id);
  expect(promoted.sort()).toEqual(
    byArrival
      .slice(0, 10)
      .map((a) => a.id)
      .sort(),
  );
  expect(after.filter((r) => r.status === 'confirmed')).toHaveLength(20);
  expect(after.filter((r) => r.status === 'waitlisted')).toHaveLength(30);
  const s2 = await d.manager.findOneByOrFail(ClassSession, { id: sessionId });
  expect(s2).toMatchObject({ adultLeft: 0, waitingCount: 30 });
  const roster = await t.client(hq).call(api.opsRoster, { params: { sessionId } });
  const queue = roster.items.filter((i) => i.status === 'waitlisted');
  expect(queue.map((i) => i.waitlistPosition)).toEqual(range(30));
  expect(queue.map((i) => i.registrationId)).toEqual(byArrival.slice(10).map((a) => a.id));
});

test('one member racing themself from several devices gets exactly one registration', async () => {
  const cls = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { adultSeats: 5 }) });
  const sessionId = cls.sessions[0].id;
  const m = await memberToken(t);
  const results = await Promise.allSettled(range(6).map(() => t.client(m.token).call(api.register, { params: { sessionId }, body: { adults: 2 } })));
  const ok = results.filter((r) => r.status === 'fulfilled');
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(ok).toHaveLength(1);
  for (const f of failed) expect((f.reason as ApiError).code).toBe('CLASS_ALREADY_REGISTERED');
  const d = await db(t);
  expect(await d.manager.count(ClassRegistration, { where: { sessionId, memberId: m.id } })).toBe(1);
  expect((await d.manager.findOneByOrFail(ClassSession, { id: sessionId })).adultLeft).toBe(3);
});

test('mixed adult/child parties racing never oversell either kind of seat', async () => {
  const cls = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { type: 'family_event', adultSeats: 10, childSeats: 6 }) });
  const sessionId = cls.sessions[0].id;
  const members = await Promise.all(range(24).map(() => memberToken(t)));
  const parties = members.map((_, i) => ({ adults: 1 + (i % 2), children: i % 3, childAges: Array.from({ length: i % 3 }, () => 6) }));
  const results = await Promise.all(members.map((m, i) => t.client(m.token).call(api.register, { params: { sessionId }, body: parties[i] })));
  const d = await db(t);
  const rows = await d.manager.find(ClassRegistration, { where: { sessionId } });
  const held = rows.filter((r) => r.status === 'confirmed');
  const adults = held.reduce((n, r) => n + r.adults, 0);
  const children = held.reduce((n, r) => n + r.children, 0);
  expect(adults).toBeLessThanOrEqual(10);
  expect(children).toBeLessThanOrEqual(6);
  const s = await d.manager.findOneByOrFail(ClassSession, { id: sessionId });
  expect(s.adultLeft).toBe(10 - adults);
  expect(s.childLeft).toBe(6 - children);
  expect(s.waitingCount).toBe(rows.filter((r) => r.status === 'waitlisted').length);
  expect(results).toHaveLength(24);
  // at rest nobody who fits is left waiting while seats are free
  for (const w of rows.filter((r) => r.status === 'waitlisted')) expect(w.adults <= s.adultLeft && w.children <= s.childLeft).toBe(false);
  const roster = await t.client(hq).call(api.opsRoster, { params: { sessionId } });
  const queue = roster.items.filter((i) => i.status === 'waitlisted');
  expect(queue.map((i) => i.waitlistPosition)).toEqual(range(queue.length));
  const seqs = queue.map((i) => i.arrivalSeq!);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
});

test('members racing for several sessions at once: each session seated in its own arrival order, each member held to the booking limit', async () => {
  // three sessions of 4 seats; 10 members each register for all three, plus one member for eight at once
  const created = await Promise.all(range(3).map(() => t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { adultSeats: 4 }) })));
  const sessions = created.map((c) => c.sessions[0].id);
  const members = await Promise.all(range(10).map(() => memberToken(t)));
  const asks = members.flatMap((m) => sessions.map((sessionId) => ({ m, sessionId })));
  const answers = await Promise.all(asks.map(({ m, sessionId }) => t.client(m.token).call(api.register, { params: { sessionId }, body: { adults: 1 } })));
  expect(answers.every((a) => a.status === 'confirmed' || a.status === 'waitlisted')).toBe(true);
  for (const sessionId of sessions) {
    const roster = await t.client(hq).call(api.opsRoster, { params: { sessionId } });
    const live = roster.items.filter((i) => i.status === 'confirmed' || i.status === 'waitlisted');
    expect(live).toHaveLength(10);
    expect(live.filter((i) => i.status === 'confirmed')).toHaveLength(4);
    // seats went to the first arrivals; the queue follows arrival order without gaps
    const bySeq = [...live].sort((a, b) => a.arrivalSeq! - b.arrivalSeq!);
    expect(bySeq.slice(0, 4).every((i) => i.status === 'confirmed')).toBe(true);
    expect(bySeq.slice(4).map((i) => i.waitlistPosition)).toEqual(range(6));
  }
  // one member asking for eight sessions at once gets exactly the booking limit
  const more = await Promise.all(range(8).map(() => t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { adultSeats: 4 }) })));
  const eager = await memberToken(t);
  const results = await Promise.allSettled(
    more.map((c) => t.client(eager.token).call(api.register, { params: { sessionId: c.sessions[0].id }, body: { adults: 1 } })),
  );
  const limit = (await t.container.getAsync(ClassesSettings)).limits().maxActiveBookings;
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(limit);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(refused.map((r) => (r.reason as ApiError).code)).toEqual(Array(8 - limit).fill('CLASS_TOO_MANY_BOOKINGS'));
});

test('a group whose transaction cannot open fails its registrations at once, and the next registrations go through', async () => {
  const cls = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { adultSeats: 5 }) });
  const sessionId = cls.sessions[0].id;
  const members = await Promise.all(range(4).map(() => memberToken(t)));
  const d = await db(t);
  const source = d.dataSource;
  const real = source.transaction.bind(source);
  // the database refuses to open transactions (e.g. it went away): the waiting registrations must
  // get an answer, not hang behind a group that never takes them
  source.transaction = (() => Promise.reject(new Error('connection lost'))) as typeof source.transaction;
  let settled: Array<PromiseSettledResult<unknown>>;
  try {
    settled = await Promise.allSettled(members.slice(0, 3).map((m) => t.client(m.token).call(api.register, { params: { sessionId }, body: { adults: 1 } })));
  } finally {
    source.transaction = real;
  }
  expect(settled.every((r) => r.status === 'rejected')).toBe(true);
  expect(await d.manager.count(ClassRegistration, { where: { sessionId } })).toBe(0);
  // the database is back: registrations are seated as usual
  const ok = await Promise.all(members.map((m) => t.client(m.token).call(api.register, { params: { sessionId }, body: { adults: 1 } })));
  expect(ok.map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed']);
  expect((await d.manager.findOneByOrFail(ClassSession, { id: sessionId })).adultLeft).toBe(1);
});
