/** Contest flow end to end through the HTTP API: ops → members → moderation → votes → close → winners → dish. */
import * as api from '../../../contracts/contest';
import { FAIR_PLAY_TEXT } from '../../../contracts/contest';
import { ContestEntry } from '../../src/modules/contest/entities/entry.entity';
import { ContestAudit } from '../../src/modules/contest/entities/moderation.entity';
import { TagService } from '../../src/modules/tags/tag.service';
import { FILE_STORAGE, type FileStorage } from '../../src/modules/uploads/storage';
import { verifyShareToken } from '../../src/modules/referral/codes';
import { startTestApp, type TestApp } from '../helpers/app';
import { db } from '../helpers/fixtures';
import { approvedEntry, contestBody, DAY, drain, entryBody, HOUR, memberToken, photoId, publishedContest, rejects, runJob, settle, staffToken } from './kit';

let t: TestApp;
let ops: { id: number; token: string };
beforeAll(async () => {
  t = await startTestApp();
  ops = await staffToken(t, 'hq_admin');
});
afterAll(() => t?.close());

test('ops create a draft (defaults 3 votes/day), members cannot see it until published; reads need no login', async () => {
  const draft = await t.client(ops.token).call(api.adminCreateContest, { body: { ...contestBody(), votesPerDay: undefined } });
  expect(draft).toMatchObject({ status: 'draft', votesPerDay: 3, phase: 'draft', fairPlayText: FAIR_PLAY_TEXT });
  expect((await rejects(t.client().call(api.getContest, { params: { contestId: draft.id } }))).code).toBe('NOT_FOUND');
  const pub = await t.client(ops.token).call(api.adminPublishContest, { params: { contestId: draft.id } });
  expect(pub).toMatchObject({ status: 'published', phase: 'submitting_voting', submissionOpen: true, votingOpen: true });
  const seen = await t.client().call(api.getContest, { params: { contestId: draft.id } });
  expect(seen.rulesText).toContain('拿手年夜菜');
  expect(seen.fairPlayText).toContain('与任何奖励、优惠都无关');
  expect(seen.fairPlayText).not.toMatch(/拉票/);
  const list = await t.client().call(api.listContests, { query: {} });
  expect(list.items.map((c) => c.id)).toContain(draft.id);
});

test('store managers may run contests; staff and group owners may not; members get FORBIDDEN on ops routes', async () => {
  const manager = await staffToken(t, 'store_manager');
  await expect(t.client(manager.token).call(api.adminListContests, { query: {} })).resolves.toBeTruthy();
  for (const role of ['staff', 'group_owner'] as const) {
    const s = await staffToken(t, role);
    expect((await rejects(t.client(s.token).call(api.adminListContests, { query: {} }))).code).toBe('FORBIDDEN');
  }
  const m = await memberToken(t);
  expect((await rejects(t.client(m.token).call(api.adminListContests, { query: {} }))).code).toBe('FORBIDDEN');
  expect((await rejects(t.client().call(api.castVote, { params: { entryId: 1 } }))).code).toBe('UNAUTHENTICATED');
});

test('windows must be in order and bad input is a 400, never a 500', async () => {
  const now = Date.now();
  const bad = await rejects(
    t.client(ops.token).call(api.adminCreateContest, {
      body: contestBody({ voteStartAt: new Date(now - 2 * DAY).toISOString(), voteEndAt: new Date(now - 3 * DAY).toISOString() }),
    }),
  );
  expect(bad).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  const junk: Array<[string, string, unknown]> = [
    ['post', '/api/admin/contests', { title: 5 }],
    ['post', '/api/admin/contests', 'not json'],
    ['put', '/api/admin/contests/abc', {}],
    ['post', '/api/contests/1/entries', { photoIds: 'x' }],
    ['post', '/api/entries/-1/votes', {}],
    ['get', '/api/contests/99999999999999999999/entries?sort=weird&page=0', undefined],
    ['post', '/api/admin/contests/1/votes/void', { voteIds: [] }],
    ['put', '/api/admin/contest-blocked-words', { words: [''.padEnd(50, 'x')] }],
  ];
  const m = await memberToken(t);
  for (const [method, path, body] of junk) {
    const token = path.startsWith('/api/admin') ? ops.token : m.token;
    let r = (t.http() as unknown as Record<string, (p: string) => any>)[method](path).set('authorization', `Bearer ${token}`);
    if (typeof body === 'string') r = r.set('content-type', 'application/json').send(body);
    else if (body !== undefined) r = r.send(body);
    const res = await r;
    expect([400, 404]).toContain(res.status);
    expect(typeof res.body.code).toBe('string');
  }
});

test('submit: clean entries auto-approve, flagged ones wait with matched terms; reject with a reason; edit resubmits', async () => {
  const c = await publishedContest(t, ops.token);
  const author = await memberToken(t);
  const pid = await photoId(t, author.token);
  const clean = await t.client(author.token).call(api.submitEntry, { params: { contestId: c.id }, body: entryBody([pid]) });
  expect(clean).toMatchObject({ status: 'approved', statusLabel: '已通过', canEdit: false, displayName: '王阿姨' });
  expect(clean.photos[0].thumbUrl).toMatch(/\/api\/files\/[a-f0-9]{24}_t\.jpg$/);

  // retried submit with the same request id: one entry
  const body = entryBody([pid], { title: '全国第一的红烧肉', story: '加我微信 wxid_abc123 领取秘方' });
  const flagged = await t.client(author.token).call(api.submitEntry, { params: { contestId: c.id }, body });
  const again = await t.client(author.token).call(api.submitEntry, { params: { contestId: c.id }, body });
  expect(again.id).toBe(flagged.id);
  expect(flagged.status).toBe('pending');

  const queue = await t.client(ops.token).call(api.adminListEntries, { params: { contestId: c.id }, query: { status: 'pending' } });
  const item = queue.items.find((i) => i.id === flagged.id)!;
  expect(item.checkHits.map((h) => [h.kind, h.term])).toEqual(
    expect.arrayContaining([
      ['ad_absolute', '全国第一'],
      ['wechat_id', expect.stringContaining('wxid_abc123')],
    ]),
  );

  const rejected = await t
    .client(ops.token)
    .call(api.adminReviewEntry, { params: { entryId: flagged.id }, body: { decision: 'reject', reason: '含联系方式和广告用语' } });
  expect(rejected).toMatchObject({ status: 'rejected', rejectReason: '含联系方式和广告用语', reviewedByName: expect.any(String) });
  const mine = await t.client(author.token).call(api.myEntries, { query: { contestId: c.id } });
  expect(mine.items.find((e) => e.id === flagged.id)).toMatchObject({
    status: 'rejected',
    statusLabel: '未通过',
    rejectReason: '含联系方式和广告用语',
    canEdit: true,
  });
  // not public
  expect((await rejects(t.client().call(api.getEntry, { params: { entryId: flagged.id } }))).code).toBe('NOT_FOUND');

  // edit → clean → auto-approved again
  const fixed = await t.client(author.token).call(api.updateMyEntry, {
    params: { entryId: flagged.id },
    body: { ...entryBody([pid], { title: '红烧肉' }), clientRequestId: undefined } as never,
  });
  expect(fixed).toMatchObject({ status: 'approved', rejectReason: null });
  // approved entries are no longer editable; someone else's entry is not found
  expect((await rejects(t.client(author.token).call(api.updateMyEntry, { params: { entryId: flagged.id }, body: entryBody([pid]) }))).code).toBe(
    'ENTRY_NOT_EDITABLE',
  );
  const other = await memberToken(t);
  expect((await rejects(t.client(other.token).call(api.updateMyEntry, { params: { entryId: clean.id }, body: entryBody([pid]) }))).code).toBe('NOT_FOUND');
  // a photo that is not yours
  expect((await rejects(t.client(other.token).call(api.submitEntry, { params: { contestId: c.id }, body: entryBody([pid]) }))).code).toBe('PHOTO_NOT_FOUND');

  // the 3-entry cap
  await t.client(author.token).call(api.submitEntry, { params: { contestId: c.id }, body: entryBody([pid], { title: '八宝饭' }) });
  expect((await rejects(t.client(author.token).call(api.submitEntry, { params: { contestId: c.id }, body: entryBody([pid]) }))).code).toBe(
    'ENTRY_LIMIT_REACHED',
  );

  const audit = await (await db(t)).manager.find(ContestAudit, { where: { contestId: c.id, action: 'reject' } });
  expect(audit).toHaveLength(1);
});

test('a contest without auto-approval sends clean entries to the queue; approve publishes them', async () => {
  const c = await publishedContest(t, ops.token, { autoApproveClean: false });
  const author = await memberToken(t);
  const e = await t.client(author.token).call(api.submitEntry, { params: { contestId: c.id }, body: entryBody([await photoId(t, author.token)]) });
  expect(e).toMatchObject({ status: 'pending', canEdit: true });
  const edited = await t
    .client(author.token)
    .call(api.updateMyEntry, { params: { entryId: e.id }, body: entryBody([await photoId(t, author.token)], { title: '蛋饺（改）' }) });
  expect(edited).toMatchObject({ status: 'pending', title: '蛋饺（改）' });
  const ok = await t.client(ops.token).call(api.adminReviewEntry, { params: { entryId: e.id }, body: { decision: 'approve' } });
  expect(ok).toMatchObject({ status: 'approved', autoApproved: false });
  const pub = await t.client().call(api.listEntries, { params: { contestId: c.id }, query: { sort: 'new' } });
  expect(pub.items.map((i) => i.id)).toEqual([e.id]);
});

test('submissions outside the window are refused', async () => {
  const now = Date.now();
  const c = await publishedContest(t, ops.token, {
    submissionStartAt: new Date(now + HOUR).toISOString(),
    submissionEndAt: new Date(now + DAY).toISOString(),
    voteStartAt: new Date(now + HOUR).toISOString(),
    voteEndAt: new Date(now + 2 * DAY).toISOString(),
  });
  expect(c.phase).toBe('upcoming');
  const m = await memberToken(t);
  expect((await rejects(t.client(m.token).call(api.submitEntry, { params: { contestId: c.id }, body: entryBody([await photoId(t, m.token)]) }))).code).toBe(
    'SUBMISSION_CLOSED',
  );
});

test('votes: remaining count, once per entry per day, daily limit, not your own, 热门 order and leaderboard', async () => {
  const c = await publishedContest(t, ops.token, { votesPerDay: 2 });
  const a = await approvedEntry(t, c.id, { title: '蛋饺' });
  const b = await approvedEntry(t, c.id, { title: '八宝饭', displayName: '李叔' });
  const d = await approvedEntry(t, c.id, { title: '红烧鱼', displayName: '张奶奶' });
  const voter = await memberToken(t);
  const v = t.client(voter.token);
  expect(await v.call(api.myVotes, { params: { contestId: c.id } })).toMatchObject({ votesPerDay: 2, usedToday: 0, remainingToday: 2, votedEntryIdsToday: [] });
  expect(await v.call(api.castVote, { params: { entryId: b.entry.id } })).toEqual({ entryId: b.entry.id, voteCount: 1, remainingToday: 1, votesPerDay: 2 });
  expect((await rejects(v.call(api.castVote, { params: { entryId: b.entry.id } }))).code).toBe('ALREADY_VOTED_TODAY');
  expect(await v.call(api.castVote, { params: { entryId: a.entry.id } })).toMatchObject({ voteCount: 1, remainingToday: 0 });
  expect((await rejects(v.call(api.castVote, { params: { entryId: d.entry.id } }))).code).toBe('DAILY_VOTE_LIMIT');
  expect(await v.call(api.myVotes, { params: { contestId: c.id } })).toMatchObject({
    usedToday: 2,
    remainingToday: 0,
    votedEntryIdsToday: [b.entry.id, a.entry.id],
  });
  expect((await rejects(t.client(a.author.token).call(api.castVote, { params: { entryId: a.entry.id } }))).code).toBe('OWN_ENTRY_VOTE');

  // b reached 1 vote before a did: b ranks first on the tie
  await settle(t);
  const hot = await t.client().call(api.listEntries, { params: { contestId: c.id }, query: { sort: 'hot' } });
  expect(hot.items.map((i) => i.id)).toEqual([b.entry.id, a.entry.id, d.entry.id]);
  const board = await t.client().call(api.leaderboard, { params: { contestId: c.id }, query: {} });
  expect(board.frozen).toBe(false);
  expect(board.items.map((i) => [i.rank, i.entryId, i.voteCount])).toEqual([
    [1, b.entry.id, 1],
    [2, a.entry.id, 1],
    [3, d.entry.id, 0],
  ]);

  // a taken-down entry takes no more votes and leaves the lists
  await t.client(ops.token).call(api.adminReviewEntry, { params: { entryId: d.entry.id }, body: { decision: 'reject', reason: '图片与菜品不符' } });
  const v2 = await memberToken(t);
  expect((await rejects(t.client(v2.token).call(api.castVote, { params: { entryId: d.entry.id } }))).code).toBe('ENTRY_NOT_VOTABLE');
  const rows = await (await db(t)).manager.find(ContestEntry, { where: { contestId: c.id } });
  expect(rows.find((r) => r.id === d.entry.id)!.voteCount).toBe(0);
});

test('voting closed outside its window', async () => {
  const now = Date.now();
  const c = await publishedContest(t, ops.token, {
    voteStartAt: new Date(now + HOUR).toISOString(),
    voteEndAt: new Date(now + 2 * DAY).toISOString(),
  });
  const a = await approvedEntry(t, c.id);
  const v = await memberToken(t);
  expect((await rejects(t.client(v.token).call(api.castVote, { params: { entryId: a.entry.id } }))).code).toBe('VOTING_CLOSED');
});

test('tags: authors get UGC创作者 on approval, voters 投票参与 (once)', async () => {
  const c = await publishedContest(t, ops.token);
  const a = await approvedEntry(t, c.id);
  const voter = await memberToken(t);
  await t.client(voter.token).call(api.castVote, { params: { entryId: a.entry.id } });
  await drain(t);
  const tags = await t.container.getAsync(TagService);
  expect((await tags.tagsOf(a.author.id)).map((x) => [x.name, x.source])).toEqual([['UGC创作者', 'contest.entry_approved']]);
  expect((await tags.tagsOf(voter.id)).map((x) => x.name)).toEqual(['投票参与']);
});

test('close job freezes the ranking (tie → first to reach the tally), winners are confirmed and listed as credited dishes', async () => {
  const now = Date.now();
  const c = await publishedContest(t, ops.token, { juryWeight: 0 });
  const a = await approvedEntry(t, c.id, { title: '蛋饺', displayName: '王阿姨' });
  const b = await approvedEntry(t, c.id, { title: '八宝饭', displayName: '李叔' });
  const x = await approvedEntry(t, c.id, { title: '年糕', displayName: '陈伯' });
  const voters = await Promise.all([1, 2, 3].map(() => memberToken(t)));
  // a reaches 2 first, then b reaches 2, x gets 1
  await t.client(voters[0].token).call(api.castVote, { params: { entryId: a.entry.id } });
  await t.client(voters[1].token).call(api.castVote, { params: { entryId: a.entry.id } });
  await t.client(voters[0].token).call(api.castVote, { params: { entryId: b.entry.id } });
  await t.client(voters[1].token).call(api.castVote, { params: { entryId: b.entry.id } });
  await t.client(voters[2].token).call(api.castVote, { params: { entryId: x.entry.id } });

  expect((await rejects(t.client(ops.token).call(api.adminConfirmWinners, { params: { contestId: c.id }, body: { entryIds: [a.entry.id] } }))).code).toBe(
    'CONTEST_NOT_CLOSED',
  );

  // not yet: the job does nothing before the end of voting
  await runJob(t, 'contest.close', new Date(now));
  expect((await t.client().call(api.getContest, { params: { contestId: c.id } })).phase).not.toBe('closed');
  await runJob(t, 'contest.close', new Date(now + 3 * DAY));
  const closed = await t.client().call(api.getContest, { params: { contestId: c.id } });
  expect(closed).toMatchObject({ phase: 'closed', phaseLabel: '已结束', votingOpen: false });
  const board = await t.client().call(api.leaderboard, { params: { contestId: c.id }, query: {} });
  expect(board.frozen).toBe(true);
  expect(board.items.map((i) => [i.rank, i.entryId, i.voteCount])).toEqual([
    [1, a.entry.id, 2],
    [2, b.entry.id, 2],
    [3, x.entry.id, 1],
  ]);
  // a second run is a no-op; moderation and voiding are locked
  await runJob(t, 'contest.close', new Date(now + 3 * DAY));
  expect(
    (await rejects(t.client(ops.token).call(api.adminReviewEntry, { params: { entryId: x.entry.id }, body: { decision: 'reject', reason: '太晚了' } }))).code,
  ).toBe('CONTEST_CLOSED');

  const confirmed = await t.client(ops.token).call(api.adminConfirmWinners, { params: { contestId: c.id }, body: { entryIds: [a.entry.id, b.entry.id] } });
  expect(confirmed.winners.map((w) => [w.entryId, w.awardLabel, w.finalRank])).toEqual([
    [a.entry.id, '大厨复刻中', 1],
    [b.entry.id, '大厨复刻中', 2],
  ]);
  // idempotent
  await t.client(ops.token).call(api.adminConfirmWinners, { params: { contestId: c.id }, body: { entryIds: [a.entry.id] } });
  expect((await rejects(t.client(ops.token).call(api.adminListWinner, { params: { entryId: x.entry.id }, body: {} }))).code).toBe('NOT_A_WINNER');

  const listed = await t.client(ops.token).call(api.adminListWinner, { params: { entryId: a.entry.id }, body: { priceFen: 3800 } });
  expect(listed).toMatchObject({ award: 'listed', awardLabel: '已上架', dishName: '王阿姨的拿手蛋饺' });
  await t.client(ops.token).call(api.adminListWinner, { params: { entryId: a.entry.id }, body: {} });
  await drain(t);
  const dishes = await t.client().call(api.listDishes, { query: {} });
  const dish = dishes.items.find((d) => d.entryId === a.entry.id)!;
  expect(dish).toMatchObject({
    name: '王阿姨的拿手蛋饺',
    authorDisplayName: '王阿姨',
    authorMemberId: a.author.id,
    contestId: c.id,
    priceFen: 3800,
    status: 'listed',
  });
  expect(dishes.items.filter((d) => d.entryId === a.entry.id)).toHaveLength(1);
  const entry = await t.client().call(api.getEntry, { params: { entryId: a.entry.id } });
  expect(entry).toMatchObject({ dishId: dish.id, dishName: '王阿姨的拿手蛋饺', award: 'listed' });
  const detail = await t.client().call(api.getContest, { params: { contestId: c.id } });
  expect(detail.winners.find((w) => w.entryId === a.entry.id)).toMatchObject({ dishId: dish.id, dishName: '王阿姨的拿手蛋饺' });

  const audit = await t.client(ops.token).call(api.adminContestAudit, { params: { contestId: c.id }, query: {} });
  expect(audit.items.map((i) => i.action)).toEqual(expect.arrayContaining(['close', 'winner', 'listed', 'publish', 'create']));
});

test('jury weight blends a jury score into the frozen ranking', async () => {
  const c = await publishedContest(t, ops.token, { juryWeight: 60 });
  const a = await approvedEntry(t, c.id, { title: '蛋饺' });
  const b = await approvedEntry(t, c.id, { title: '八宝饭' });
  const v = await memberToken(t);
  await t.client(v.token).call(api.castVote, { params: { entryId: a.entry.id } });
  await t.client(ops.token).call(api.adminSetJuryScore, { params: { entryId: b.entry.id }, body: { score: 90 } });
  await t.client(ops.token).call(api.adminSetJuryScore, { params: { entryId: a.entry.id }, body: { score: 10 } });
  // a: 0.4*100 + 0.6*10 = 46; b: 0.4*0 + 0.6*90 = 54
  await runJob(t, 'contest.close', new Date(Date.now() + 3 * DAY));
  const board = await t.client().call(api.leaderboard, { params: { contestId: c.id }, query: {} });
  expect(board.items.map((i) => [i.entryId, i.score, i.juryScore])).toEqual([
    [b.entry.id, 54, 90],
    [a.entry.id, 46, 10],
  ]);
});

test('share info: card path and wxacode scene carry a signed token naming the sharer, the code comes from WeChat (simulator) once', async () => {
  const c = await publishedContest(t, ops.token);
  const a = await approvedEntry(t, c.id, { title: '蛋饺', displayName: '王阿姨' });
  const sharer = await memberToken(t);
  const s = await t.client(sharer.token).call(api.shareInfo, { params: { entryId: a.entry.id } });
  const token = /&rt=([^&]+)$/.exec(s.path)![1];
  expect(verifyShareToken(token)).toMatchObject({ sharerId: sharer.id });
  expect(s).toMatchObject({
    path: `/${api.ENTRY_PAGE}?id=${a.entry.id}&rt=${token}`,
    scene: `e=${a.entry.id}&t=${token}`,
    title: expect.stringContaining('王阿姨的「蛋饺」'),
  });
  expect(s.scene.length).toBeLessThanOrEqual(32);
  for (const text of [s.title, ...s.posterLines]) expect(text).not.toMatch(/拉票|投我|帮我投|分享.*(奖|解锁)/);
  const img = await t.http().get(s.wxacodeUrl.replace(/^https?:\/\/[^/]+/, ''));
  expect(img.status).toBe(200);
  expect(img.body.subarray(0, 4).toString('latin1')).toBe('\x89PNG');
  // the code is made once per (page, scene): drop the stored file (a MySQL run shares DATA_DIR across runs), then count calls
  const storage = await t.container.getAsync<FileStorage>(FILE_STORAGE);
  await storage.delete(s.wxacodeUrl.split('/').pop()!);
  const calls = () => t.sim.calls.filter((x) => x.path === '/wechat/wxa/getwxacodeunlimit');
  const before = calls().length;
  const again = await t.client(sharer.token).call(api.shareInfo, { params: { entryId: a.entry.id } });
  expect(again.wxacodeUrl).toBe(s.wxacodeUrl);
  expect(calls()).toHaveLength(before + 1);
  expect(calls()[before].body).toMatchObject({ scene: `e=${a.entry.id}&t=${token}`, page: api.ENTRY_PAGE, check_path: false, env_version: 'develop' });
  await t.client(sharer.token).call(api.shareInfo, { params: { entryId: a.entry.id } });
  expect(calls()).toHaveLength(before + 1);
});

test('blocked words are editable and catch later submissions (ignoring spaces)', async () => {
  const set = await t.client(ops.token).call(api.adminSetBlockedWords, { body: { words: ['某某牌', ' 某某牌 ', '假货'] } });
  expect(set.words.sort()).toEqual(['假货', '某某牌']);
  const c = await publishedContest(t, ops.token);
  const m = await memberToken(t);
  const e = await t
    .client(m.token)
    .call(api.submitEntry, { params: { contestId: c.id }, body: entryBody([await photoId(t, m.token)], { story: '我家只用某 某 牌酱油' }) });
  expect(e.status).toBe('pending');
  const q = await t.client(ops.token).call(api.adminListEntries, { params: { contestId: c.id }, query: { status: 'pending' } });
  expect(q.items[0].checkHits).toEqual([expect.objectContaining({ kind: 'blocked_word', term: '某 某 牌', field: 'story' })]);
  await t.client(ops.token).call(api.adminSetBlockedWords, { body: { words: [] } });
  expect((await t.client(ops.token).call(api.adminGetBlockedWords)).words).toEqual([]);
});
