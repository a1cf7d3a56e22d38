/**
 * Recipe UGC contests with voting (「晒出你家的传家年夜菜」) and the credited dishes winners become.
 *
 * Member screens: contest home (rules up front), entries by 热门/最新, entry detail, submit/edit,
 * 「我的作品」, vote with the remaining count, leaderboard, share card + poster.
 * Ops screens: contest form, moderation queue (matched terms shown), blocked words, vote flags and
 * voiding, winners and their 「大厨复刻中」→「已上架」 stages, audit log.
 *
 * Compliance (WeChat rules on induced sharing): no reward is tied to sharing or to votes gathered
 * by sharing, no copy says 拉票 or "share to unlock"; `FAIR_PLAY_TEXT` is shown on every rules page.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf, STORE_OPS } from './route';

// ---------------------------------------------------------------------------------------------
// Constants shared by server and clients

export const ENTRY_LIMITS = {
  titleMax: 30,
  displayNameMax: 12,
  storyMax: 2000,
  itemMax: 200,
  ingredientsMax: 40,
  stepsMax: 30,
  photosMin: 1,
  photosMax: 9,
  /** Entries one member may have in one contest (rejected ones included). */
  perMemberPerContest: 3,
} as const;

/** Default and bounds of the per-member daily vote allowance (at most one vote per entry per day). */
export const VOTES_PER_DAY = { default: 3, min: 1, max: 20 } as const;

/**
 * Mini-program page the share card and the poster's wxacode open (the UI must build it here).
 * Query: `id` = entry id, `from` = sharer's member id (referral attribution only, never a reward).
 * The wxacode carries the same as its `scene`: `e=<entryId>&s=<sharerId>` (≤ 32 chars).
 */
export const ENTRY_PAGE = 'packages/contest/entry/index';

/** Shown on every contest rules page, after the contest's own rules text. */
export const FAIR_PLAY_TEXT =
  '公平说明：投票完全自愿，每位会员每天可投的票数有限，同一作品每天最多投 1 票。' +
  '分享作品只是为了让邻居们看到好菜，分享或获得的票数与任何奖励、优惠都无关，也不需要分享才能参加或查看。' +
  '异常投票（如短时间内大量新注册账号集中投票）会被核查，核实后作废。获奖作品由票数' +
  '（如设有评审，则结合评审分）排名后经门店确认产生。';

export const ENTRY_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export const EntryStatus = z.enum(ENTRY_STATUSES);
export const ENTRY_STATUS_LABELS: Record<(typeof ENTRY_STATUSES)[number], string> = {
  pending: '审核中',
  approved: '已通过',
  rejected: '未通过',
  withdrawn: '已撤下',
};

/** A confirmed winner's stage: 大厨复刻中 (cooking) → 已上架 (listed, the dish exists). */
export const AWARD_STAGES = ['cooking', 'listed'] as const;
export const AwardStage = z.enum(AWARD_STAGES);
export const AWARD_LABELS: Record<(typeof AWARD_STAGES)[number], string> = { cooking: '大厨复刻中', listed: '已上架' };

/**
 * Phase derived from status and the windows (UTC instants):
 * draft 未发布 · upcoming 即将开始 · submitting 征集中 · voting 投票中 · submitting_voting 征集与投票中 ·
 * between 等待投票 · counting 计票中 (voting ended, close job pending) · closed 已结束.
 */
export const CONTEST_PHASES = ['draft', 'upcoming', 'submitting', 'voting', 'submitting_voting', 'between', 'counting', 'closed'] as const;
export const ContestPhase = z.enum(CONTEST_PHASES);

/** Kinds of content-check hits, with the label the moderator sees. */
export const CHECK_KINDS = ['ad_absolute', 'health_claim', 'phone', 'wechat_id', 'url', 'spam', 'blocked_word'] as const;
export const CheckKind = z.enum(CHECK_KINDS);
export const CHECK_KIND_LABELS: Record<(typeof CHECK_KINDS)[number], string> = {
  ad_absolute: '广告法极限词',
  health_claim: '医疗功效用语',
  phone: '电话号码',
  wechat_id: '微信号/QQ号',
  url: '网址链接',
  spam: '引流/二维码类用语',
  blocked_word: '屏蔽词',
};

export const CheckHit = z.object({
  kind: CheckKind,
  /** The matched text as written by the member. */
  term: z.string(),
  /** Which field: title, displayName, story, ingredients[2], steps[0]… */
  field: z.string(),
  /** A few characters around the match, for the moderator. */
  excerpt: z.string(),
});
export type CheckHit = z.infer<typeof CheckHit>;

// ---------------------------------------------------------------------------------------------
// Shared views

export const Photo = z.object({
  uploadId: z.number().int(),
  /** Full image (long edge ≤ 2048 px, metadata stripped). */
  url: z.string(),
  /** Thumbnail (long edge ≤ 480 px, JPEG) for lists and cards. */
  thumbUrl: z.string(),
  width: z.number().int(),
  height: z.number().int(),
});
export type Photo = z.infer<typeof Photo>;

export const ContestSummary = z.object({
  id: z.number().int(),
  title: z.string(),
  coverUrl: z.string().nullable(),
  prizeText: z.string(),
  submissionStartAt: IsoDateTime,
  submissionEndAt: IsoDateTime,
  voteStartAt: IsoDateTime,
  voteEndAt: IsoDateTime,
  votesPerDay: z.number().int(),
  phase: ContestPhase,
  /** Chinese label of the phase, e.g. 投票中. */
  phaseLabel: z.string(),
  submissionOpen: z.boolean(),
  votingOpen: z.boolean(),
  /** Approved entries. */
  entryCount: z.number().int(),
  closedAt: IsoDateTime.nullable(),
});
export type ContestSummary = z.infer<typeof ContestSummary>;

export const WinnerView = z.object({
  entryId: z.number().int(),
  title: z.string(),
  displayName: z.string(),
  thumbUrl: z.string().nullable(),
  finalRank: z.number().int().nullable(),
  award: AwardStage,
  awardLabel: z.string(),
  /** Present once listed (已上架): the credited dish, e.g. 「王阿姨的拿手蛋饺」. */
  dishId: z.number().int().nullable(),
  dishName: z.string().nullable(),
});
export type WinnerView = z.infer<typeof WinnerView>;

export const ContestDetail = ContestSummary.extend({
  /** The contest's own rules, shown up front before submitting or voting. */
  rulesText: z.string(),
  /** Always FAIR_PLAY_TEXT (no reward for sharing or votes; no 拉票). */
  fairPlayText: z.string(),
  /** Share of the jury score in the final score, 0–100 (0 = votes only). */
  juryWeight: z.number().int(),
  winners: z.array(WinnerView),
});
export type ContestDetail = z.infer<typeof ContestDetail>;

export const EntryCard = z.object({
  id: z.number().int(),
  contestId: z.number().int(),
  title: z.string(),
  displayName: z.string(),
  /** First photo's thumbnail. */
  coverThumbUrl: z.string().nullable(),
  voteCount: z.number().int(),
  createdAt: IsoDateTime,
  award: AwardStage.nullable(),
  awardLabel: z.string().nullable(),
  /** Frozen rank once the contest closed. */
  finalRank: z.number().int().nullable(),
});
export type EntryCard = z.infer<typeof EntryCard>;

export const EntryDetail = EntryCard.extend({
  story: z.string(),
  ingredients: z.array(z.string()),
  steps: z.array(z.string()),
  photos: z.array(Photo),
  dishId: z.number().int().nullable(),
  dishName: z.string().nullable(),
});
export type EntryDetail = z.infer<typeof EntryDetail>;

/** The author's own view (「我的作品」): status and the moderator's reason. */
export const MyEntry = EntryDetail.extend({
  contestTitle: z.string(),
  status: EntryStatus,
  statusLabel: z.string(),
  rejectReason: z.string().nullable(),
  /** True while pending (or rejected) and the submission window is open. */
  canEdit: z.boolean(),
  updatedAt: IsoDateTime,
});
export type MyEntry = z.infer<typeof MyEntry>;

const lineItem = z.string().trim().min(1).max(ENTRY_LIMITS.itemMax);

export const EntryInput = z.object({
  title: z.string().trim().min(1, '请填写菜名').max(ENTRY_LIMITS.titleMax, `菜名最多${ENTRY_LIMITS.titleMax}个字`),
  /** How the author is credited, e.g. 王阿姨. */
  displayName: z.string().trim().min(1, '请填写署名').max(ENTRY_LIMITS.displayNameMax, `署名最多${ENTRY_LIMITS.displayNameMax}个字`),
  story: z.string().trim().min(1, '请写写这道菜的故事').max(ENTRY_LIMITS.storyMax, `故事最多${ENTRY_LIMITS.storyMax}个字`),
  ingredients: z.array(lineItem).min(1, '请至少填写一种食材').max(ENTRY_LIMITS.ingredientsMax),
  steps: z.array(lineItem).min(1, '请至少填写一个步骤').max(ENTRY_LIMITS.stepsMax),
  /** Ids from the image upload (contracts/uploads.ts), in display order; the first is the cover. */
  photoIds: z
    .array(z.number().int().positive())
    .min(ENTRY_LIMITS.photosMin, '请至少上传1张照片')
    .max(ENTRY_LIMITS.photosMax, `最多上传${ENTRY_LIMITS.photosMax}张照片`)
    .refine((ids) => new Set(ids).size === ids.length, '照片重复了'),
});
export type EntryInput = z.infer<typeof EntryInput>;

const idParam = (name: string) => z.object({ [name]: z.coerce.number().int().positive() });
const contestParams = z.object({ contestId: z.coerce.number().int().positive() });
const entryParams = z.object({ entryId: z.coerce.number().int().positive() });

// ---------------------------------------------------------------------------------------------
// Member-facing reads: public (a shared card must open for a newcomer who has not logged in)

export const listContests = defineRoute({
  method: 'GET',
  path: '/api/contests',
  auth: 'public',
  summary: 'Published contests, newest first (drafts never appear).',
  query: PageQuery,
  response: pageOf(ContestSummary),
});

export const getContest = defineRoute({
  method: 'GET',
  path: '/api/contests/:contestId',
  auth: 'public',
  summary: 'One published contest with its rules text, the fair-play text and the confirmed winners.',
  params: contestParams,
  response: ContestDetail,
});

export const listEntries = defineRoute({
  method: 'GET',
  path: '/api/contests/:contestId/entries',
  auth: 'public',
  summary: 'Approved entries of a contest: sort=hot (热门: most votes, earliest to reach them first) or new (最新), paged.',
  params: contestParams,
  query: PageQuery.extend({ sort: z.enum(['hot', 'new']).default('hot') }),
  response: pageOf(EntryCard),
});

export const getEntry = defineRoute({
  method: 'GET',
  path: '/api/entries/:entryId',
  auth: 'public',
  summary: 'Entry detail (approved entries only; authors see their own pending ones through myEntries).',
  params: entryParams,
  response: EntryDetail,
});

export const LeaderboardItem = z.object({
  rank: z.number().int(),
  entryId: z.number().int(),
  title: z.string(),
  displayName: z.string(),
  thumbUrl: z.string().nullable(),
  voteCount: z.number().int(),
  /** Jury score 0–100 when the contest uses one, else null. */
  juryScore: z.number().int().nullable(),
  /** Final score (votes normalised to 0–100, blended with the jury score by its weight). */
  score: z.number(),
});

export const leaderboard = defineRoute({
  method: 'GET',
  path: '/api/contests/:contestId/leaderboard',
  auth: 'public',
  summary: 'Ranking: live while voting, frozen at close (tie: the entry that reached its tally first ranks higher).',
  params: contestParams,
  query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
  response: z.object({ frozen: z.boolean(), closedAt: IsoDateTime.nullable(), items: z.array(LeaderboardItem) }),
});

// ---------------------------------------------------------------------------------------------
// Member actions (login required)

export const submitEntry = defineRoute({
  method: 'POST',
  path: '/api/contests/:contestId/entries',
  auth: 'member',
  summary:
    'Submit an entry while the submission window is open. The content check runs at once: clean entries are approved ' +
    'immediately when the contest auto-approves, otherwise they wait for a moderator.',
  params: contestParams,
  body: EntryInput.extend({
    /** Client-generated id (e.g. a UUID) so a retried submit creates one entry, not two. */
    clientRequestId: z.string().trim().min(8).max(64),
  }),
  response: MyEntry,
});

export const updateMyEntry = defineRoute({
  method: 'PUT',
  path: '/api/entries/:entryId',
  auth: 'member',
  summary: "Edit one's own entry while it is pending (or rejected, which resubmits it) and submissions are open; re-checked.",
  params: entryParams,
  body: EntryInput,
  response: MyEntry,
});

export const myEntries = defineRoute({
  method: 'GET',
  path: '/api/me/contest-entries',
  auth: 'member',
  summary: "「我的作品」: the member's entries (all contests or one), newest first, with status and rejection reasons.",
  query: z.object({ contestId: z.coerce.number().int().positive().optional() }),
  response: z.object({ items: z.array(MyEntry) }),
});

export const myVotes = defineRoute({
  method: 'GET',
  path: '/api/contests/:contestId/my-votes',
  auth: 'member',
  summary: "Today's (Asia/Shanghai day) vote allowance: used, remaining, and the entries already voted for today.",
  params: contestParams,
  response: z.object({
    day: z.string().describe('YYYY-MM-DD, Asia/Shanghai'),
    votesPerDay: z.number().int(),
    usedToday: z.number().int(),
    remainingToday: z.number().int(),
    votedEntryIdsToday: z.array(z.number().int()),
  }),
});

export const castVote = defineRoute({
  method: 'POST',
  path: '/api/entries/:entryId/votes',
  auth: 'member',
  summary:
    'Vote for an approved entry while voting is open: at most one vote per entry per day and votesPerDay per contest per day ' +
    "(ALREADY_VOTED_TODAY / DAILY_VOTE_LIMIT); not for one's own entry. A repeated tap counts once.",
  params: entryParams,
  response: z.object({
    entryId: z.number().int(),
    voteCount: z.number().int(),
    remainingToday: z.number().int(),
    votesPerDay: z.number().int(),
  }),
});

export const shareInfo = defineRoute({
  method: 'GET',
  path: '/api/entries/:entryId/share',
  auth: 'member',
  summary:
    "Share card and poster data for an approved entry. The path and the wxacode scene carry the sharer's member id for " +
    'referral attribution only; no reward is tied to sharing. The wxacode image is made through WeChat (getwxacodeunlimit).',
  params: entryParams,
  response: z.object({
    /** onShareAppMessage title: the dish and its author, never 拉票 wording. */
    title: z.string(),
    /** onShareAppMessage path, e.g. /packages/contest/entry/index?id=12&from=34 */
    path: z.string(),
    imageUrl: z.string().nullable(),
    /** wxacode scene (≤ 32 chars): e=<entryId>&s=<sharerId> */
    scene: z.string(),
    /** PNG of the mini-program code for the poster (served by the uploads module). */
    wxacodeUrl: z.string(),
    /** Lines for the poster, e.g. 「王阿姨的蛋饺」, 「晒出你家的传家年夜菜」. */
    posterLines: z.array(z.string()),
  }),
});

// ---------------------------------------------------------------------------------------------
// Ops (hq_admin and store_manager)

const ContestInputBase = z.object({
  title: z.string().trim().min(1, '请填写主题').max(60),
  /** URL from the staff image upload (contracts/uploads.ts). */
  coverUrl: z.string().max(512).nullable().default(null),
  rulesText: z.string().trim().min(1, '请填写活动规则').max(5000),
  prizeText: z.string().trim().max(500).default(''),
  submissionStartAt: z.iso.datetime({ offset: true }),
  submissionEndAt: z.iso.datetime({ offset: true }),
  voteStartAt: z.iso.datetime({ offset: true }),
  voteEndAt: z.iso.datetime({ offset: true }),
  votesPerDay: z.number().int().min(VOTES_PER_DAY.min).max(VOTES_PER_DAY.max).default(VOTES_PER_DAY.default),
  /** 0–100: share of the jury score in the final score (0 = votes only). */
  juryWeight: z.number().int().min(0).max(100).default(0),
  /** Approve entries whose content check is clean without a moderator. */
  autoApproveClean: z.boolean().default(false),
});

function windowsInOrder(v: { submissionStartAt: string; submissionEndAt: string; voteStartAt: string; voteEndAt: string }, ctx: z.RefinementCtx) {
  const t = (s: string) => Date.parse(s);
  if (t(v.submissionEndAt) <= t(v.submissionStartAt)) ctx.addIssue({ code: 'custom', path: ['submissionEndAt'], message: '征集结束时间须晚于开始时间' });
  if (t(v.voteEndAt) <= t(v.voteStartAt)) ctx.addIssue({ code: 'custom', path: ['voteEndAt'], message: '投票结束时间须晚于开始时间' });
  if (t(v.voteStartAt) < t(v.submissionStartAt)) ctx.addIssue({ code: 'custom', path: ['voteStartAt'], message: '投票不能早于征集开始' });
  if (t(v.voteEndAt) < t(v.submissionEndAt)) ctx.addIssue({ code: 'custom', path: ['voteEndAt'], message: '投票结束不能早于征集结束' });
}

export const ContestInput = ContestInputBase.superRefine(windowsInOrder);
export type ContestInput = z.input<typeof ContestInput>;

export const AdminContest = ContestDetail.extend({
  status: z.enum(['draft', 'published', 'closed']),
  autoApproveClean: z.boolean(),
  /** Who runs it: null = chain-wide (HQ), else the one store whose manager manages it. */
  ownerStoreId: z.number().int().nullable().optional(),
  counts: z.object({
    pending: z.number().int(),
    approved: z.number().int(),
    rejected: z.number().int(),
    votes: z.number().int(),
    flaggedVotes: z.number().int(),
    openFlags: z.number().int(),
  }),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type AdminContest = z.infer<typeof AdminContest>;

export const adminListContests = defineRoute({
  method: 'GET',
  path: '/api/admin/contests',
  auth: 'staff',
  roles: STORE_OPS,
  summary: "Contests the caller manages (HQ: all; a store manager: their store's), drafts included, with moderation and vote counts, newest first.",
  query: PageQuery,
  response: pageOf(AdminContest),
});

export const adminGetContest = defineRoute({
  method: 'GET',
  path: '/api/admin/contests/:contestId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'One contest as ops see it.',
  params: contestParams,
  response: AdminContest,
});

export const adminCreateContest = defineRoute({
  method: 'POST',
  path: '/api/admin/contests',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Create a contest as a draft (publish it separately). Windows: submission, then voting (they may overlap).',
  body: ContestInput,
  response: AdminContest,
});

export const adminUpdateContest = defineRoute({
  method: 'PUT',
  path: '/api/admin/contests/:contestId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: "Replace a contest's settings. Once voting has started votesPerDay and voteStartAt are locked (CONTEST_LOCKED); " + 'closed contests cannot change.',
  params: contestParams,
  body: ContestInput,
  response: AdminContest,
});

export const adminPublishContest = defineRoute({
  method: 'POST',
  path: '/api/admin/contests/:contestId/publish',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Make a draft visible to members (idempotent).',
  params: contestParams,
  response: AdminContest,
});

export const AdminEntry = MyEntry.extend({
  memberId: z.number().int(),
  /** Content-check hits (matched terms) for the moderator. */
  checkHits: z.array(CheckHit),
  autoApproved: z.boolean(),
  reviewedByName: z.string().nullable(),
  reviewedAt: IsoDateTime.nullable(),
  flaggedVoteCount: z.number().int(),
  voidedVoteCount: z.number().int(),
  juryScore: z.number().int().nullable(),
});
export type AdminEntry = z.infer<typeof AdminEntry>;

export const adminListEntries = defineRoute({
  method: 'GET',
  path: '/api/admin/contests/:contestId/entries',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Entries of a contest for moderation (status=pending is the queue, oldest first; others newest first).',
  params: contestParams,
  query: PageQuery.extend({ status: EntryStatus.optional() }),
  response: pageOf(AdminEntry),
});

export const adminReviewEntry = defineRoute({
  method: 'POST',
  path: '/api/admin/entries/:entryId/review',
  auth: 'staff',
  roles: STORE_OPS,
  summary:
    'Approve or reject (reason required, shown to the member). Pending entries may go either way; approved ones may be ' +
    'taken down (rejected) until the contest closes. Audited.',
  params: entryParams,
  body: z.discriminatedUnion('decision', [
    z.object({ decision: z.literal('approve') }),
    z.object({ decision: z.literal('reject'), reason: z.string().trim().min(2, '请填写原因（会展示给会员）').max(200) }),
  ]),
  response: AdminEntry,
});

export const adminSetJuryScore = defineRoute({
  method: 'PUT',
  path: '/api/admin/entries/:entryId/jury-score',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Jury score 0–100 for an approved entry of a contest with a jury weight, before it closes.',
  params: entryParams,
  body: z.object({ score: z.number().int().min(0).max(100) }),
  response: AdminEntry,
});

export const BlockedWords = z.object({ words: z.array(z.string()), updatedAt: IsoDateTime.nullable() });

export const adminGetBlockedWords = defineRoute({
  method: 'GET',
  path: '/api/admin/contest-blocked-words',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The editable block list the content check uses (in addition to the built-in 广告法/contact/spam rules).',
  response: BlockedWords,
});

export const adminSetBlockedWords = defineRoute({
  method: 'PUT',
  path: '/api/admin/contest-blocked-words',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'HQ only (the list applies chain-wide). Replace the block list (trimmed, de-duplicated, case-insensitive). Applies to later submissions and edits.',
  body: z.object({ words: z.array(z.string().trim().min(1).max(30)).max(2000) }),
  response: BlockedWords,
});

export const FLAG_KINDS = ['burst_new_accounts'] as const;
export const VoteFlag = z.object({
  id: z.number().int(),
  entryId: z.number().int(),
  entryTitle: z.string(),
  kind: z.enum(FLAG_KINDS),
  /** 新账号集中投票: N votes from accounts created in the voting window within the detection window. */
  label: z.string(),
  voteCount: z.number().int(),
  windowStart: IsoDateTime,
  raisedAt: IsoDateTime,
  status: z.enum(['open', 'resolved']),
  resolvedNote: z.string().nullable(),
});
export type VoteFlag = z.infer<typeof VoteFlag>;

export const adminListFlags = defineRoute({
  method: 'GET',
  path: '/api/admin/contests/:contestId/vote-flags',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Burst flags raised by the vote checks (open first).',
  params: contestParams,
  response: z.object({ items: z.array(VoteFlag) }),
});

export const adminResolveFlag = defineRoute({
  method: 'POST',
  path: '/api/admin/vote-flags/:flagId/resolve',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Mark a flag handled (after voiding or deciding the votes are fine). Audited.',
  params: idParam('flagId'),
  body: z.object({ note: z.string().trim().max(200).default('') }),
  response: VoteFlag,
});

export const VOTE_FLAG_REASONS = ['new_account', 'burst'] as const;
export const AdminVote = z.object({
  id: z.number().int(),
  entryId: z.number().int(),
  memberId: z.number().int(),
  /** For people: the entry's title and the voter's nickname (or masked phone). */
  entryTitle: z.string().optional(),
  memberName: z.string().optional(),
  day: z.string(),
  createdAt: IsoDateTime,
  /** new_account: the account was created during the voting window; burst: part of a raised burst. */
  flagReasons: z.array(z.enum(VOTE_FLAG_REASONS)),
  /** e.g. 10.2.*.* — enough to see clusters, not the full address. */
  ipMasked: z.string().nullable(),
  voided: z.boolean(),
  voidedAt: IsoDateTime.nullable(),
  voidReason: z.string().nullable(),
});
export type AdminVote = z.infer<typeof AdminVote>;

export const adminListVotes = defineRoute({
  method: 'GET',
  path: '/api/admin/contests/:contestId/votes',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Votes of a contest, newest first; filter by entry, flagged only, voided.',
  params: contestParams,
  query: PageQuery.extend({
    entryId: z.coerce.number().int().positive().optional(),
    flagged: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    voided: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  }),
  response: pageOf(AdminVote),
});

export const adminVoidVotes = defineRoute({
  method: 'POST',
  path: '/api/admin/contests/:contestId/votes/void',
  auth: 'staff',
  roles: STORE_OPS,
  summary:
    'Void flagged votes (by id, or all flagged votes of one entry) before the contest closes; tallies drop by exactly ' +
    'the votes voided, and the action is audited. Voiding again is a no-op.',
  params: contestParams,
  body: z.union([
    z.object({ voteIds: z.array(z.number().int().positive()).min(1).max(500), reason: z.string().trim().min(2).max(200) }),
    z.object({ entryId: z.number().int().positive(), allFlagged: z.literal(true), reason: z.string().trim().min(2).max(200) }),
  ]),
  response: z.object({ voided: z.number().int(), entries: z.array(z.object({ entryId: z.number().int(), voteCount: z.number().int() })) }),
});

export const adminConfirmWinners = defineRoute({
  method: 'POST',
  path: '/api/admin/contests/:contestId/winners',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'After close: confirm winners (approved entries of this contest); each moves to 大厨复刻中. Repeating is harmless.',
  params: contestParams,
  body: z.object({ entryIds: z.array(z.number().int().positive()).min(1).max(20) }),
  response: AdminContest,
});

export const adminListWinner = defineRoute({
  method: 'POST',
  path: '/api/admin/entries/:entryId/list-dish',
  auth: 'staff',
  roles: STORE_OPS,
  summary:
    "Move a confirmed winner from 大厨复刻中 to 已上架: the credited dish is created on the New Year's Eve menu " +
    '(default name 「<署名>的拿手<菜名>」), linked to the entry both ways. Repeating is harmless.',
  params: entryParams,
  body: z.object({
    dishName: z.string().trim().min(1).max(40).optional(),
    /** Optional price in fen; the pre-order work sets it otherwise. */
    priceFen: z.number().int().min(0).max(10_000_000).optional(),
  }),
  response: AdminEntry,
});

export const AuditItem = z.object({
  id: z.number().int(),
  at: IsoDateTime,
  staffName: z.string().nullable(),
  action: z.string(),
  /** Chinese one-liner, e.g. 驳回作品 #12：含联系方式 */
  text: z.string(),
});

export const adminContestAudit = defineRoute({
  method: 'GET',
  path: '/api/admin/contests/:contestId/audit',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'What ops did to a contest (reviews, voids, flags, close, winners, listings), newest first.',
  params: contestParams,
  query: PageQuery,
  response: pageOf(AuditItem),
});

// ---------------------------------------------------------------------------------------------
// Credited dishes (menu module). The pre-order issue sells them and may move these to contracts/menu.ts.

export const Dish = z.object({
  id: z.number().int(),
  name: z.string(),
  authorMemberId: z.number().int().nullable(),
  /** Credit line, e.g. 王阿姨 */
  authorDisplayName: z.string(),
  entryId: z.number().int().nullable(),
  contestId: z.number().int().nullable(),
  priceFen: z.number().int().nullable(),
  status: z.enum(['listed', 'unlisted']),
  coverUrl: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type Dish = z.infer<typeof Dish>;

export const listDishes = defineRoute({
  method: 'GET',
  path: '/api/menu/dishes',
  auth: 'public',
  summary: "Listed dishes of the New Year's Eve menu with their author credit, newest first.",
  query: PageQuery,
  response: pageOf(Dish),
});

export const getDish = defineRoute({
  method: 'GET',
  path: '/api/menu/dishes/:dishId',
  auth: 'public',
  summary: 'One dish with its author credit and source entry.',
  params: idParam('dishId'),
  response: Dish,
});
