/**
 * Referral (issue 15): who brought each new member, rewards only for real conversion, and the
 * figures ops need (sources per week, K-factor, funnel, top referrers, rewards issued and held).
 *
 * Sharing never earns anything by itself (WeChat bans induced sharing): a reward follows the
 * invitee's first real action (first pre-order picked up, first store purchase with their member
 * code, first class attended — whichever ops switch on), and the rules are shown before sharing.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, HQ_ONLY } from './route';

const Id = z.coerce.number().int().positive().max(2_147_483_647);
/** An opaque per-install id the mini-program keeps in its storage (device exclusion, suspicious patterns). */
export const DeviceId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{8,64}$/);

export const SHARE_CONTENT_KINDS = ['invite', 'contest_entry', 'class', 'dish'] as const;
export type ShareContentKind = (typeof SHARE_CONTENT_KINDS)[number];
export const SOURCES = ['share', 'channel', 'invite_code', 'organic'] as const;
export type ReferralSource = (typeof SOURCES)[number];
export const SOURCE_LABELS: Record<ReferralSource, string> = { share: '分享卡片/海报', channel: '渠道码', invite_code: '邀请码', organic: '自然注册' };
export const CONVERSION_KINDS = ['pickup', 'store_purchase', 'class_attended'] as const;
export type ConversionKind = (typeof CONVERSION_KINDS)[number];
export const CONVERSION_LABELS: Record<ConversionKind, string> = {
  pickup: '首次预订提货',
  store_purchase: '首次到店消费（出示会员码）',
  class_attended: '首次参加课程',
};
export const REWARD_STATUSES = ['issued', 'held', 'rejected', 'excluded'] as const;
export type RewardStatus = (typeof REWARD_STATUSES)[number];
export const REWARD_STATUS_LABELS: Record<RewardStatus, string> = { issued: '已发放', held: '审核中', rejected: '未通过审核', excluded: '不符合奖励规则' };
export const EXCLUSIONS = ['self', 'loop', 'household', 'household_rewarded', 'device'] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];
export const EXCLUSION_LABELS: Record<Exclusion, string> = {
  self: '自己邀请自己',
  loop: '互相邀请',
  household: '同一家庭内邀请',
  household_rewarded: '该家庭已计过奖励',
  device: '同一设备注册',
};
export const HOLD_REASONS = ['many_from_device', 'many_from_ip', 'burst', 'idle_invitees'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];
export const HOLD_LABELS: Record<HoldReason, string> = {
  many_from_device: '同一设备注册了多位被邀请人',
  many_from_ip: '同一网络地址注册了多位被邀请人',
  burst: '短时间内集中注册',
  idle_invitees: '大量被邀请人注册后从未消费',
};

export const ReferralRules = z.object({
  /** First touch within this many days before registration wins (and invite codes / channel adds up to this long after). */
  windowDays: z.number().int().min(1).max(90),
  /** Which first actions count as a conversion. */
  conversions: z.array(z.enum(CONVERSION_KINDS)).min(1),
  rewardKind: z.enum(['points', 'coupon']),
  rewardPoints: z.number().int().min(1).max(100_000),
  couponTitle: z.string().trim().min(1).max(40),
  couponFen: z.number().int().min(1).max(100_000),
  couponMinSpendFen: z.number().int().min(0).max(10_000_000),
  /** Hold for review: this many invitees of one referrer from one device / one IP within 30 days. */
  holdSameDevice: z.number().int().min(2).max(100),
  holdSameIp: z.number().int().min(2).max(1000),
  /** Hold for review: this many registrations for one referrer within one hour. */
  holdBurstPerHour: z.number().int().min(2).max(1000),
  /** Hold for review: at least this many invitees older than 14 days of whom none converted. */
  holdIdleInvitees: z.number().int().min(2).max(1000),
});
export type ReferralRules = z.infer<typeof ReferralRules>;

// ---------------------------------------------------------------- member side

export const createShare = defineRoute({
  method: 'POST',
  path: '/api/referral/shares',
  auth: 'member',
  summary:
    'A signed share token for a card or poster (invite page, contest entry, class, dish). The token names the sharer and the content; the poster scene carries the same token. Nothing is rewarded for sharing.',
  body: z.object({ kind: z.enum(SHARE_CONTENT_KINDS), contentId: Id.optional(), deviceId: DeviceId.optional() }),
  response: z.object({ token: z.string(), path: z.string(), scene: z.string(), title: z.string(), wxacodeUrl: z.string().nullable() }),
});

export const openShare = defineRoute({
  method: 'POST',
  path: '/api/referral/opens',
  auth: 'public',
  summary: 'Record that a share was opened (funnel: opened → registered → converted). A forged or altered token is refused with SHARE_TOKEN_INVALID.',
  body: z.object({ token: z.string().min(1).max(64), deviceId: DeviceId.optional() }),
  response: z.object({ ok: z.literal(true), sharerName: z.string(), kind: z.enum(SHARE_CONTENT_KINDS) }),
});

export const Invitee = z.object({
  /** Masked: 「王**」. */
  name: z.string(),
  source: z.enum(SOURCES),
  joinedAt: IsoDateTime,
  stage: z.enum(['joined', 'converted', 'rewarded']),
  convertedAt: IsoDateTime.nullable(),
  conversion: z.enum(CONVERSION_KINDS).nullable(),
  reward: z.enum(REWARD_STATUSES).nullable(),
  /** Why nothing was earned (when excluded). */
  note: z.string().nullable(),
});
export type Invitee = z.infer<typeof Invitee>;

export const myReferral = defineRoute({
  method: 'GET',
  path: '/api/referral/me',
  auth: 'member',
  summary: "The member's invite page: their invite code, the rules (shown before sharing), and invitees' progress with names masked.",
  response: z.object({
    inviteCode: z.string(),
    rulesText: z.array(z.string()),
    rules: ReferralRules,
    invitees: z.array(Invitee),
    /** The member is new enough to enter a neighbour's invite code (and has no referrer yet). */
    canEnterCode: z.boolean(),
    referredBy: z.string().nullable(),
  }),
});

export const Reward = z.object({
  id: z.number().int(),
  kind: z.enum(['points', 'coupon']),
  title: z.string(),
  points: z.number().int().nullable(),
  couponFen: z.number().int().nullable(),
  status: z.enum(REWARD_STATUSES),
  inviteeName: z.string(),
  conversion: z.enum(CONVERSION_KINDS),
  createdAt: IsoDateTime,
});
export type Reward = z.infer<typeof Reward>;

export const myRewards = defineRoute({
  method: 'GET',
  path: '/api/referral/rewards',
  auth: 'member',
  summary: '「我的奖励」: rewards earned by inviting neighbours (issued, held for review, or not counted with the reason).',
  response: z.object({ items: z.array(Reward), pointsTotal: z.number().int() }),
});

export const enterInviteCode = defineRoute({
  method: 'POST',
  path: '/api/referral/invite-code',
  auth: 'member',
  summary: "A new member types a neighbour's invite code (within the window after registering, and only when no earlier touch already attributes them).",
  body: z.object({ code: z.string().trim().min(4).max(16), deviceId: DeviceId.optional() }),
  response: z.object({ ok: z.literal(true), referredBy: z.string() }),
});

// ---------------------------------------------------------------- ops

/** HQ only: the figures are chain-wide and the held cases need HQ's decision. */

export const ReferralQuery = z.object({
  /** Weeks back from now (Beijing Monday weeks). */
  weeks: z.coerce.number().int().min(1).max(52).default(8),
});

export const WeekRow = z.object({
  week: z.string().describe('Beijing Monday, YYYY-MM-DD'),
  bySource: z.object({ share: z.number().int(), channel: z.number().int(), invite_code: z.number().int(), organic: z.number().int() }),
  newMembers: z.number().int(),
  /** Members active as referrers that week (registered before the week ended). */
  referredMembers: z.number().int(),
  /** invited new members / members who existed at the start of the week. */
  kFactor: z.number(),
});

export const HeldCase = z.object({
  rewardId: z.number().int(),
  referrerId: z.number().int(),
  referrerName: z.string(),
  inviteeId: z.number().int(),
  inviteeName: z.string(),
  conversion: z.enum(CONVERSION_KINDS),
  reasons: z.array(z.object({ code: z.enum(HOLD_REASONS), label: z.string(), evidence: z.string() })),
  createdAt: IsoDateTime,
});
export type HeldCase = z.infer<typeof HeldCase>;

export const ReferralReport = z.object({
  weeks: z.array(WeekRow),
  funnel: z.object({
    shares: z.number().int(),
    opened: z.number().int(),
    registered: z.number().int(),
    converted: z.number().int(),
    rewarded: z.number().int(),
  }),
  topReferrers: z.array(
    z.object({ memberId: z.number().int(), name: z.string(), invited: z.number().int(), converted: z.number().int(), rewarded: z.number().int() }),
  ),
  rewards: z.object({
    issued: z.number().int(),
    held: z.number().int(),
    rejected: z.number().int(),
    excluded: z.number().int(),
    pointsIssued: z.number().int(),
    couponFenIssued: z.number().int(),
  }),
  held: z.array(HeldCase),
  attributions: z.array(
    z.object({
      memberId: z.number().int(),
      memberName: z.string(),
      source: z.enum(SOURCES),
      referrerId: z.number().int().nullable(),
      referrerName: z.string().nullable(),
      detail: z.string().nullable(),
      registeredAt: IsoDateTime,
      convertedAt: IsoDateTime.nullable(),
      reward: z.enum(REWARD_STATUSES).nullable(),
      note: z.string().nullable(),
    }),
  ),
});
export type ReferralReport = z.infer<typeof ReferralReport>;

export const opsReferralReport = defineRoute({
  method: 'GET',
  path: '/api/admin/referral/report',
  auth: 'staff',
  roles: HQ_ONLY,
  summary:
    'Referral screen: new members by source per week, K-factor by week, funnel, top referrers, rewards issued/held, held cases with evidence, recent attributions.',
  query: ReferralQuery,
  response: ReferralReport,
});

export const opsReferralExport = defineRoute({
  method: 'GET',
  path: '/api/admin/referral/report.xlsx',
  auth: 'staff',
  roles: HQ_ONLY,
  summary:
    'The referral report as an Excel workbook (sheets 每周来源, 漏斗, 推荐达人, 奖励, 归因明细). NOT JSON: fetch with the bearer header and save the body.',
  query: ReferralQuery,
  response: z.any().meta({
    description: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  }),
});

export function referralExportUrl(base: string, weeks = 8): string {
  return `${base}/api/admin/referral/report.xlsx?weeks=${weeks}`;
}

export const opsDecideReward = defineRoute({
  method: 'POST',
  path: '/api/admin/referral/rewards/:rewardId/decision',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Release (issue) or reject a reward held for review; only a held reward can be decided (REWARD_NOT_HELD otherwise).',
  params: z.object({ rewardId: Id }),
  body: z.object({ decision: z.enum(['release', 'reject']), note: z.string().trim().max(200).optional() }),
  response: z.object({ id: z.number().int(), status: z.enum(REWARD_STATUSES) }),
});

export const opsGetRules = defineRoute({
  method: 'GET',
  path: '/api/admin/referral/rules',
  auth: 'staff',
  roles: HQ_ONLY,
  summary: 'The referral rules in force (window, conversions, reward, review thresholds).',
  response: ReferralRules,
});

export const opsSetRules = defineRoute({
  method: 'PUT',
  path: '/api/admin/referral/rules',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Change the referral rules (HQ). Applies to conversions from now on; issued rewards stay.',
  body: ReferralRules,
  response: ReferralRules,
});
