/** Seat hoarding: a party of at most 6 per registration, at most 6 upcoming bookings per member. */
import { classes as api } from '../../../contracts';
import { classBody, memberToken, staffToken } from '../classes/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeStore } from '../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

test('one registration brings at most 6 people; a member holds at most 6 upcoming bookings', async () => {
  const store = await makeStore(t);
  const ops = await staffToken(t, 'store_manager', store.id);
  const sessions: number[] = [];
  for (let i = 0; i < 7; i++) {
    const c = await t.client(ops.token).call(api.opsCreateClass, { body: classBody(store.id, { adultSeats: 10, inMinutes: (3 + i) * 24 * 60 }) });
    sessions.push((c as { sessions: Array<{ id: number }> }).sessions[0].id);
  }
  const m = await memberToken(t);
  await expect(t.client(m.token).call(api.register, { params: { sessionId: sessions[0] }, body: { adults: 7 } })).rejects.toMatchObject({
    status: 409,
    code: 'CLASS_PARTY_TOO_LARGE',
    details: [{ path: 'adults', message: '每次报名最多6人' }],
  });
  for (let i = 0; i < 6; i++) await t.client(m.token).call(api.register, { params: { sessionId: sessions[i] }, body: { adults: 1 } });
  await expect(t.client(m.token).call(api.register, { params: { sessionId: sessions[6] }, body: { adults: 1 } })).rejects.toMatchObject({
    status: 409,
    code: 'CLASS_TOO_MANY_BOOKINGS',
  });
  // another member is not affected
  const other = await memberToken(t);
  await expect(t.client(other.token).call(api.register, { params: { sessionId: sessions[6] }, body: { adults: 2 } })).resolves.toMatchObject({
    status: 'confirmed',
  });
}, 120_000);

test('one member sending many registrations at once still gets at most 6 upcoming bookings', async () => {
  const store = await makeStore(t);
  const ops = await staffToken(t, 'store_manager', store.id);
  const sessions: number[] = [];
  for (let i = 0; i < 14; i++) {
    const c = await t.client(ops.token).call(api.opsCreateClass, { body: classBody(store.id, { adultSeats: 10, inMinutes: (3 + i) * 24 * 60 }) });
    sessions.push((c as { sessions: Array<{ id: number }> }).sessions[0].id);
  }
  const m = await memberToken(t);
  // one booking already held: the parallel burst may add 5 more, whichever they are
  await t.client(m.token).call(api.register, { params: { sessionId: sessions[0] }, body: { adults: 1 } });
  const outcomes = await Promise.allSettled(
    sessions.slice(1).map((sessionId) => t.client(m.token).call(api.register, { params: { sessionId }, body: { adults: 1 } })),
  );
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  expect(refused.map((o) => o.reason.code)).toEqual(Array(8).fill('CLASS_TOO_MANY_BOOKINGS'));
  expect(won).toHaveLength(5);
  const mine = await t.client(m.token).call(api.myRegistrations, { query: { scope: 'upcoming' } });
  expect(mine.total).toBe(6);
}, 120_000);
