/**
 * Per-day vote limits under parallel requests. The real proof runs on MariaDB (TEST_MYSQL_URL),
 * where requests overlap inside the database; on SQLite transactions are serialised and the same
 * invariants must hold. After every race the stored rows are the judge: tally == vote rows (once
 * the aggregation pass has run), and a member's slots that day are distinct and within the limit.
 */
import * as api from '../../../contracts/contest';
import { ContestEntry } from '../../src/modules/contest/entities/entry.entity';
import { ContestVote } from '../../src/modules/contest/entities/vote.entity';
import { SessionService } from '../../src/core/auth/session.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { db } from '../helpers/fixtures';
import { ENTRY_LIMITS } from '../../../contracts/contest';
import { approvedEntry, entryBody, memberToken, photoId, publishedContest, settle, staffToken } from './kit';

let t: TestApp;
let ops: { id: number; token: string };
beforeAll(async () => {
  t = await startTestApp({ VOTE_IP_LIMIT_PER_MIN: '100000' });
  ops = await staffToken(t);
});
afterAll(() => t?.close());

function vote(token: string, entryId: number) {
  return t
    .http()
    .post(`/api/entries/${entryId}/votes`)
    .set('authorization', `Bearer ${token}`)
    .then((r: { status: number; body: { code?: string } }) => (r.status === 200 ? 'ok' : (r.body.code ?? String(r.status))));
}

function tally(codes: string[]) {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}

async function invariant(contestId: number) {
  await settle(t);
  const m = (await db(t)).manager;
  const entries = await m.find(ContestEntry, { where: { contestId } });
  for (const e of entries) {
    const rows = await m.count(ContestVote, { where: { entryId: e.id, voided: false } });
    expect({ entry: e.id, tally: e.voteCount }).toEqual({ entry: e.id, tally: rows });
  }
}

/** The member's slots in the contest today: one per vote row, numbered 1..n without gaps. */
async function slots(memberId: number, contestId: number): Promise<number[]> {
  const rows = await (await db(t)).manager.find(ContestVote, { where: { memberId, contestId }, order: { slot: 'ASC' } });
  return rows.map((r) => r.slot);
}

test(`same member racing the same vote from two devices counts once (${process.env.TEST_MYSQL_URL ? 'MariaDB' : 'SQLite'})`, async () => {
  const c = await publishedContest(t, ops.token);
  const a = await approvedEntry(t, c.id);
  const m = await memberToken(t);
  const second = await (await t.container.getAsync(SessionService)).create('member', m.id, 1, 'second phone');
  const codes = await Promise.all([...Array(5)].flatMap(() => [vote(m.token, a.entry.id), vote(second, a.entry.id)]));
  expect(tally(codes)).toEqual({ ok: 1, ALREADY_VOTED_TODAY: 9 });
  const mgr = (await db(t)).manager;
  expect(await mgr.count(ContestVote, { where: { memberId: m.id } })).toBe(1);
  expect(await slots(m.id, c.id)).toEqual([1]);
  await settle(t);
  expect((await mgr.findOneByOrFail(ContestEntry, { id: a.entry.id })).voteCount).toBe(1);
});

test('a member firing more votes than the daily quota in parallel gets exactly the quota', async () => {
  const c = await publishedContest(t, ops.token, { votesPerDay: 3 });
  const entries: api.MyEntry[] = [];
  for (let i = 0; i < 8; i++) entries.push((await approvedEntry(t, c.id, { title: `菜${i}` })).entry);
  const m = await memberToken(t);
  const codes = await Promise.all(entries.map((e) => vote(m.token, e.id)));
  expect(tally(codes)).toEqual({ ok: 3, DAILY_VOTE_LIMIT: 5 });
  const mgr = (await db(t)).manager;
  expect(await mgr.count(ContestVote, { where: { memberId: m.id, contestId: c.id } })).toBe(3);
  expect(await slots(m.id, c.id)).toEqual([1, 2, 3]);
  await invariant(c.id);
});

test('many members on one hot entry (each tapping twice at once): tally == accepted votes == vote rows', async () => {
  const c = await publishedContest(t, ops.token);
  const hot = (await approvedEntry(t, c.id)).entry;
  const members: Array<{ id: number; token: string }> = [];
  for (let i = 0; i < 40; i++) members.push(await memberToken(t));
  const codes = await Promise.all(members.flatMap((m) => [vote(m.token, hot.id), vote(m.token, hot.id)]));
  const counts = tally(codes);
  expect(counts).toEqual({ ok: 40, ALREADY_VOTED_TODAY: 40 });
  await invariant(c.id);
  const row = await (await db(t)).manager.findOneByOrFail(ContestEntry, { id: hot.id });
  expect(row.voteCount).toBe(40);
});

test('mixed race: members voting across a pool of entries with their quota, plus ops voiding meanwhile', async () => {
  const c = await publishedContest(t, ops.token, { votesPerDay: 2 });
  const pool: api.MyEntry[] = [];
  for (let i = 0; i < 4; i++) pool.push((await approvedEntry(t, c.id, { title: `池${i}` })).entry);
  const members: Array<{ id: number; token: string }> = [];
  for (let i = 0; i < 15; i++) members.push(await memberToken(t, i < 5 ? 0 : undefined));
  // every member fires at all four entries at once: exactly two succeed each
  const codes = await Promise.all(members.flatMap((m) => pool.map((e) => vote(m.token, e.id))));
  expect(tally(codes).ok).toBe(30);
  const voids = t.client(ops.token).call(api.adminVoidVotes, { params: { contestId: c.id }, body: { entryId: pool[0].id, allFlagged: true, reason: '核查' } });
  const late = await Promise.all(members.map((m) => vote(m.token, pool[0].id)));
  await voids;
  expect(late.every((x) => x === 'ALREADY_VOTED_TODAY' || x === 'DAILY_VOTE_LIMIT')).toBe(true);
  await invariant(c.id);
  for (const m of members) expect(await slots(m.id, c.id)).toEqual([1, 2]);
});

test('a member firing more entry submits than the cap in parallel (different request ids) gets exactly the cap', async () => {
  const c = await publishedContest(t, ops.token);
  const m = await memberToken(t);
  const pid = await photoId(t, m.token);
  const cap = ENTRY_LIMITS.perMemberPerContest;
  const submit = (title: string) =>
    t
      .http()
      .post(`/api/contests/${c.id}/entries`)
      .set('authorization', `Bearer ${m.token}`)
      .send(entryBody([pid], { title }))
      .then((r: { status: number; body: { code?: string } }) => (r.status === 200 ? 'ok' : (r.body.code ?? String(r.status))));
  const codes = await Promise.all([...Array(cap + 5)].map((_, i) => submit(`菜${i}`)));
  expect(tally(codes)).toEqual({ ok: cap, ENTRY_LIMIT_REACHED: 5 });
  const rows = await (await db(t)).manager.find(ContestEntry, { where: { contestId: c.id, memberId: m.id }, order: { memberSlot: 'ASC' } });
  expect(rows.map((r) => r.memberSlot)).toEqual([...Array(cap)].map((_, i) => i + 1));
  // a repeated request id still answers with its entry, even at the cap
  const again = await t
    .http()
    .post(`/api/contests/${c.id}/entries`)
    .set('authorization', `Bearer ${m.token}`)
    .send({ ...entryBody([pid]), clientRequestId: rows[0].clientRequestId });
  expect(again.status).toBe(200);
  expect(again.body.id).toBe(rows[0].id);
});
