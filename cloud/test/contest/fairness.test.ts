/** Fair voting: new-account flags, burst flags, voiding with audit, per-member and per-IP limits. */
import * as api from '../../../contracts/contest';
import { ContestEntry } from '../../src/modules/contest/entities/entry.entity';
import { ContestAudit } from '../../src/modules/contest/entities/moderation.entity';
import { ContestVote } from '../../src/modules/contest/entities/vote.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { db } from '../helpers/fixtures';
import { approvedEntry, DAY, memberToken, publishedContest, rejects, settle, staffToken } from './kit';

let t: TestApp;
let ops: { id: number; token: string };
beforeAll(async () => {
  // a low per-IP limit so the test can reach it (every supertest request comes from one address)
  t = await startTestApp({ VOTE_IP_LIMIT_PER_MIN: '45' });
  ops = await staffToken(t, 'store_manager');
});
afterAll(() => t?.close());

async function entryRow(id: number) {
  return (await db(t)).manager.findOneByOrFail(ContestEntry, { id });
}

test('votes from accounts created during the voting window count but are flagged; a burst raises a flag; ops void them', async () => {
  const c = await publishedContest(t, ops.token);
  const a = await approvedEntry(t, c.id);
  const old = await memberToken(t, 30 * DAY);
  await t.client(old.token).call(api.castVote, { params: { entryId: a.entry.id } });

  const fresh: Array<{ id: number; token: string }> = [];
  for (let i = 0; i < 10; i++) fresh.push(await memberToken(t, 0));
  for (const m of fresh) {
    const r = await t.client(m.token).call(api.castVote, { params: { entryId: a.entry.id } });
    expect(r.remainingToday).toBe(2);
  }
  await settle(t);
  let row = await entryRow(a.entry.id);
  expect([row.voteCount, row.flaggedVoteCount]).toEqual([11, 10]);

  const flags = await t.client(ops.token).call(api.adminListFlags, { params: { contestId: c.id } });
  expect(flags.items).toEqual([expect.objectContaining({ entryId: a.entry.id, kind: 'burst_new_accounts', status: 'open', voteCount: 10 })]);
  const admin = await t.client(ops.token).call(api.adminGetContest, { params: { contestId: c.id } });
  expect(admin.counts).toMatchObject({ votes: 11, flaggedVotes: 10, openFlags: 1 });

  const flagged = await t.client(ops.token).call(api.adminListVotes, { params: { contestId: c.id }, query: { flagged: 'true' } });
  expect(flagged.total).toBe(10);
  expect(flagged.items[0].flagReasons).toEqual(['new_account', 'burst']);
  expect(flagged.items[0].ipMasked).toMatch(/\*/);

  // void two by id, then the rest of the entry's flagged votes
  const two = flagged.items.slice(0, 2).map((v) => v.id);
  const r1 = await t.client(ops.token).call(api.adminVoidVotes, { params: { contestId: c.id }, body: { voteIds: two, reason: '新注册账号集中投票' } });
  expect(r1).toEqual({ voided: 2, entries: [{ entryId: a.entry.id, voteCount: 9 }] });
  const again = await t.client(ops.token).call(api.adminVoidVotes, { params: { contestId: c.id }, body: { voteIds: two, reason: '重复操作' } });
  expect(again.voided).toBe(0);
  const r2 = await t
    .client(ops.token)
    .call(api.adminVoidVotes, { params: { contestId: c.id }, body: { entryId: a.entry.id, allFlagged: true, reason: '新注册账号集中投票' } });
  expect(r2).toEqual({ voided: 8, entries: [{ entryId: a.entry.id, voteCount: 1 }] });

  row = await entryRow(a.entry.id);
  expect([row.voteCount, row.flaggedVoteCount, row.voidedVoteCount]).toEqual([1, 0, 10]);
  // the tally equals the counted vote rows, and it was reached at the old member's vote
  const counted = await (await db(t)).manager.find(ContestVote, { where: { entryId: a.entry.id, voided: false } });
  expect(counted.map((v) => v.memberId)).toEqual([old.id]);
  expect(new Date(row.tallyReachedAt!).getTime()).toBe(new Date(counted[0].createdAt).getTime());

  const audits = await (await db(t)).manager.find(ContestAudit, { where: { contestId: c.id } });
  expect(audits.filter((x) => x.action === 'void').map((x) => x.staffId)).toEqual([ops.id, ops.id]);
  expect(audits.some((x) => x.action === 'flag')).toBe(true);

  const resolved = await t.client(ops.token).call(api.adminResolveFlag, { params: { flagId: flags.items[0].id }, body: { note: '已作废' } });
  expect(resolved).toMatchObject({ status: 'resolved', resolvedNote: '已作废' });
  // a voided voter cannot vote on that entry again today (the row still holds the day)
  expect((await rejects(t.client(fresh[0].token).call(api.castVote, { params: { entryId: a.entry.id } }))).code).toBe('ALREADY_VOTED_TODAY');
});

test('per-member request limit and per-IP limit answer RATE_LIMITED', async () => {
  const c = await publishedContest(t, ops.token, { votesPerDay: 20 });
  const a = await approvedEntry(t, c.id);
  const m = await memberToken(t);
  const codes: string[] = [];
  for (let i = 0; i < 12; i++) {
    codes.push(
      await t
        .client(m.token)
        .call(api.castVote, { params: { entryId: a.entry.id } })
        .then(
          () => 'ok',
          (e) => e.code,
        ),
    );
  }
  expect(codes[0]).toBe('ok');
  expect(codes.slice(1, 10).every((x) => x === 'ALREADY_VOTED_TODAY')).toBe(true);
  expect(codes.slice(10)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);

  // the IP limit (45/min in this file) is shared by everyone on the address
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const v = await memberToken(t);
    seen.add(
      await t
        .client(v.token)
        .call(api.castVote, { params: { entryId: a.entry.id } })
        .then(
          () => 'ok',
          (e) => e.code,
        ),
    );
    if (seen.has('RATE_LIMITED')) break;
  }
  expect(seen).toContain('RATE_LIMITED');
  await settle(t);
  const row = await entryRow(a.entry.id);
  const rows = await (await db(t)).manager.count(ContestVote, { where: { entryId: a.entry.id, voided: false } });
  expect(row.voteCount).toBe(rows);
});
