/**
 * Derived tallies and the ContestVoted relay (see tally.ts and vote-events.ts): a stale recount
 * never overwrites a newer one, the reconcile job repairs drift, the close job ranks on the vote
 * rows themselves, every first-of-the-day vote yields exactly one ContestVoted even when relays race,
 * and authentication batches answer each request for its own token.
 */
import * as api from '../../../contracts/contest';
import * as identity from '../../../contracts/identity';
import { hashToken } from '../../src/core/auth/session.service';
import { SessionRow } from '../../src/core/auth/session.entity';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import { ContestEntry } from '../../src/modules/contest/entities/entry.entity';
import { ContestVote } from '../../src/modules/contest/entities/vote.entity';
import { TallyService } from '../../src/modules/contest/tally';
import { VoteEventRelay } from '../../src/modules/contest/vote-events';
import { startTestApp, type TestApp } from '../helpers/app';
import { db } from '../helpers/fixtures';
import { approvedEntry, DAY, memberToken, publishedContest, runJob, settle, staffToken } from './kit';

let t: TestApp;
let ops: { id: number; token: string };
beforeAll(async () => {
  t = await startTestApp({ VOTE_IP_LIMIT_PER_MIN: '100000' });
  ops = await staffToken(t);
});
afterAll(() => t?.close());

const vote = (token: string, entryId: number) => t.client(token).call(api.castVote, { params: { entryId } });
const entryRow = async (id: number) => (await db(t)).manager.findOneByOrFail(ContestEntry, { id });

test('a recount from an older snapshot never overwrites a newer tally', async () => {
  const c = await publishedContest(t, ops.token);
  const a = await approvedEntry(t, c.id);
  const tally = await t.container.getAsync(TallyService);
  const at = new Date('2026-12-01T10:00:00.000Z');
  await tally.store([{ entryId: a.entry.id, votes: 5, flagged: 1, voided: 0, reachedAt: at }]);
  // fewer rows seen: older
  await tally.store([{ entryId: a.entry.id, votes: 3, flagged: 0, voided: 0, reachedAt: null }]);
  expect([(await entryRow(a.entry.id)).voteCount, (await entryRow(a.entry.id)).flaggedVoteCount]).toEqual([5, 1]);
  // same rows but one voided: newer (voids only grow)
  await tally.store([{ entryId: a.entry.id, votes: 4, flagged: 0, voided: 1, reachedAt: at }]);
  const row = await entryRow(a.entry.id);
  expect([row.voteCount, row.flaggedVoteCount, row.voidedVoteCount, new Date(row.tallyReachedAt!).toISOString()]).toEqual([4, 0, 1, at.toISOString()]);
  // a snapshot from before that void (5 counted, 0 voided) is older and loses
  await tally.store([{ entryId: a.entry.id, votes: 5, flagged: 1, voided: 0, reachedAt: at }]);
  expect((await entryRow(a.entry.id)).voteCount).toBe(4);
});

test('the reconcile job repairs a tally that drifted from the rows; the close job ranks on the rows', async () => {
  const c = await publishedContest(t, ops.token);
  const a = await approvedEntry(t, c.id);
  const b = await approvedEntry(t, c.id);
  const voters = [await memberToken(t), await memberToken(t), await memberToken(t)];
  for (const v of voters) await vote(v.token, a.entry.id);
  await vote(voters[0].token, b.entry.id);
  await settle(t);
  const m = (await db(t)).manager;
  // drift the stored tallies (as a crash between a vote and its pass could leave them): b looks ahead
  await m.update(ContestEntry, { id: a.entry.id }, { voteCount: 0 });
  await m.update(ContestEntry, { id: b.entry.id }, { voteCount: 9 });
  // entries voted in the last seconds are left to the pass of the instance that took the votes
  await runJob(t, 'contest.tally-reconcile');
  expect([(await entryRow(a.entry.id)).voteCount, (await entryRow(b.entry.id)).voteCount]).toEqual([0, 9]);
  await runJob(t, 'contest.tally-reconcile', new Date(Date.now() + 60_000));
  expect([(await entryRow(a.entry.id)).voteCount, (await entryRow(b.entry.id)).voteCount]).toEqual([3, 1]);

  await m.update(ContestEntry, { id: b.entry.id }, { voteCount: 9 });
  await runJob(t, 'contest.close', new Date(Date.now() + 3 * DAY));
  const board = await t.client().call(api.leaderboard, { params: { contestId: c.id }, query: {} });
  expect(board.items.map((i) => [i.rank, i.entryId, i.voteCount])).toEqual([
    [1, a.entry.id, 3],
    [2, b.entry.id, 1],
  ]);
  expect((await entryRow(b.entry.id)).voteCount).toBe(1);
});

test('every member-day first vote yields exactly one ContestVoted, even with relays racing', async () => {
  const c = await publishedContest(t, ops.token, { votesPerDay: 2 });
  const a = await approvedEntry(t, c.id);
  const b = await approvedEntry(t, c.id);
  const voters: Array<{ id: number; token: string }> = [];
  for (let i = 0; i < 12; i++) voters.push(await memberToken(t));
  await Promise.all(voters.flatMap((v) => [vote(v.token, a.entry.id), vote(v.token, b.entry.id)]));
  const m = (await db(t)).manager;
  const pending = await m.count(ContestVote, { where: { contestId: c.id, eventPending: true } });
  expect(pending).toBe(12);
  const relay = await t.container.getAsync(VoteEventRelay);
  // relayAll waits for a running pass; call the batch path from two "instances" at once
  const [x, y] = await Promise.all([relay.relayAll(), relay.relayAll(), (relay as unknown as { batch(): Promise<number> }).batch().catch(() => 0)]);
  expect(x + y).toBeLessThanOrEqual(12);
  await relay.relayAll();
  expect(await m.count(ContestVote, { where: { contestId: c.id, eventPending: true } })).toBe(0);
  const events = await m.find(DomainEvent, { where: { type: 'ContestVoted' } });
  const mine = events.map((e) => JSON.parse(e.payload)).filter((p) => p.contestId === c.id);
  expect(mine).toHaveLength(12);
  expect(new Set(mine.map((p) => p.memberId))).toEqual(new Set(voters.map((v) => v.id)));
});

test('authentication of concurrent requests is batched, yet each request gets its own answer', async () => {
  const members: Array<{ id: number; token: string }> = [];
  for (let i = 0; i < 20; i++) members.push(await memberToken(t));
  const expired = await memberToken(t);
  await (await db(t)).manager.update(SessionRow, { tokenHash: hashToken(expired.token) }, { expiresAt: new Date(Date.now() - 1000) });
  const calls = [
    ...members.map((m) =>
      t
        .client(m.token)
        .call(identity.getMe)
        .then(
          (me) => `ok:${me.id}`,
          (e) => e.code,
        ),
    ),
    t
      .client('x'.repeat(43))
      .call(identity.getMe)
      .then(
        () => 'ok',
        (e) => e.code,
      ),
    t
      .client(expired.token)
      .call(identity.getMe)
      .then(
        () => 'ok',
        (e) => e.code,
      ),
    t
      .client(ops.token)
      .call(identity.getMe)
      .then(
        () => 'ok',
        (e) => e.code,
      ),
  ];
  const answers = await Promise.all(calls);
  expect(answers).toEqual([...members.map((m) => `ok:${m.id}`), 'UNAUTHENTICATED', 'SESSION_EXPIRED', 'FORBIDDEN']);
});
