/**
 * Pure referral decisions, unit-tested without a database: which touch wins (first touch within
 * the window), whether a conversion may earn anything (self, loop, household, device), which
 * patterns hold a reward for review, Beijing weeks and the K-factor.
 */
import type { ConversionKind, Exclusion, HoldReason, ReferralRules, ReferralSource } from '../../../../contracts/referral';
import { dayStartOfKey, weekKey } from '../../../../contracts/calendar';

const DAY = 86_400_000;

export const DEFAULT_RULES: ReferralRules = {
  windowDays: 7,
  conversions: ['pickup', 'store_purchase', 'class_attended'],
  rewardKind: 'points',
  rewardPoints: 200,
  couponTitle: '邻里券 满50减10',
  couponFen: 1000,
  couponMinSpendFen: 5000,
  holdSameDevice: 3,
  holdSameIp: 5,
  holdBurstPerHour: 5,
  holdIdleInvitees: 5,
};

export interface Touch {
  source: Exclude<ReferralSource, 'organic'>;
  referrerId: number;
  at: Date;
}

/** The earliest touch inside [registeredAt − window, registeredAt]; later or older touches do not count. */
export function firstTouch<T extends Touch>(touches: T[], registeredAt: Date, windowDays: number): T | null {
  const from = registeredAt.getTime() - windowDays * DAY;
  let best: T | null = null;
  for (const t of touches) {
    const at = t.at.getTime();
    if (at < from || at > registeredAt.getTime() + 60_000) continue;
    if (!best || at < best.at.getTime()) best = t;
  }
  return best;
}

/** A touch after registering (a channel add, a typed invite code) counts only for an organic member inside the window. */
export function lateTouchCounts(current: { source: ReferralSource; registeredAt: Date }, at: Date, windowDays: number): boolean {
  if (current.source !== 'organic') return false;
  const dt = at.getTime() - current.registeredAt.getTime();
  return dt >= -60_000 && dt <= windowDays * DAY;
}

/** Who may never be credited at attribution time (the record keeps the referrer for the funnel either way). */
export function attributionExclusion(referrerId: number, inviteeId: number, referrersReferrer: number | null): Exclusion | null {
  if (referrerId === inviteeId) return 'self';
  if (referrersReferrer === inviteeId) return 'loop';
  return null;
}

export interface ConversionFacts {
  referrerId: number;
  inviteeId: number;
  /** Who referred the referrer (a loop: A brought B, B "brings" A). */
  referrersReferrer: number | null;
  referrerHousehold: number | null;
  inviteeHousehold: number | null;
  /** Another member of the invitee's household already earned a reward (one per household). */
  householdAlreadyRewarded: boolean;
  inviteeDevices: string[];
  referrerDevices: string[];
}

/** Why a conversion earns nothing, or null when it may be rewarded. */
export function conversionExclusion(f: ConversionFacts): Exclusion | null {
  const early = attributionExclusion(f.referrerId, f.inviteeId, f.referrersReferrer);
  if (early) return early;
  if (f.referrerHousehold !== null && f.referrerHousehold === f.inviteeHousehold) return 'household';
  if (f.householdAlreadyRewarded) return 'household_rewarded';
  const mine = new Set(f.referrerDevices);
  if (f.inviteeDevices.some((d) => mine.has(d))) return 'device';
  return null;
}

export interface SuspicionFacts {
  /** Invitees of this referrer (this one included) registered from the invitee's device / IP in 30 days. */
  sameDevice: number;
  sameIp: number;
  device: string | null;
  ip: string | null;
  /** Registrations attributed to this referrer within the hour around this invitee's. */
  burst: number;
  /** Invitees older than 14 days, and how many of them converted. */
  olderInvitees: number;
  olderConverted: number;
}

export function holdReasons(f: SuspicionFacts, r: ReferralRules): Array<{ code: HoldReason; evidence: string }> {
  const out: Array<{ code: HoldReason; evidence: string }> = [];
  if (f.device && f.sameDevice >= r.holdSameDevice)
    out.push({ code: 'many_from_device', evidence: `设备 ${f.device.slice(0, 8)}… 30天内注册了 ${f.sameDevice} 位被邀请人` });
  if (f.ip && f.sameIp >= r.holdSameIp) out.push({ code: 'many_from_ip', evidence: `地址 ${f.ip} 30天内注册了 ${f.sameIp} 位被邀请人` });
  if (f.burst >= r.holdBurstPerHour) out.push({ code: 'burst', evidence: `1小时内 ${f.burst} 位被邀请人注册` });
  if (f.olderInvitees >= r.holdIdleInvitees && f.olderConverted === 0)
    out.push({ code: 'idle_invitees', evidence: `${f.olderInvitees} 位注册超过14天的被邀请人无一消费` });
  return out;
}

export function conversionCounts(kind: ConversionKind, r: ReferralRules): boolean {
  return r.conversions.includes(kind);
}

/** The Beijing Monday (YYYY-MM-DD) of the week `d` falls in. */
export const weekOf: (d: Date) => string = weekKey;

/** UTC instant where the Beijing week starting `monday` begins. */
export const weekStart: (monday: string) => Date = dayStartOfKey;

/** Referred new members of a week per member who existed at its start (3 decimals). */
export function kFactor(referred: number, base: number): number {
  return base > 0 ? Math.round((referred / base) * 1000) / 1000 : 0;
}

/** 「王**」: the first character and two stars; members without a nickname are 「邻居**」. */
export function maskName(nickname: string | null | undefined): string {
  const n = (nickname ?? '').trim();
  return n ? `${[...n][0]}**` : '邻居**';
}

export function rulesText(r: ReferralRules): string[] {
  const what = r.conversions
    .map((c) => ({ pickup: '第一次预订并到店提货', store_purchase: '第一次到店消费并出示会员码', class_attended: '第一次参加课程并签到' })[c])
    .join('、或');
  const reward = r.rewardKind === 'points' ? `${r.rewardPoints} 积分` : `一张「${r.couponTitle}」`;
  return [
    `邻居通过你的邀请卡片、海报、渠道码或邀请码注册，且在注册前 ${r.windowDays} 天内最先接触的是你的邀请，即算作你邀请。`,
    `被邀请的邻居${what}后，你获得${reward}，每位邻居只计一次。`,
    '分享、点击、投票本身都没有奖励；自己邀请自己、互相邀请、同一家庭或同一设备注册不计奖励。',
    '异常情况（如同一设备或网络集中注册）会先由工作人员审核后再发放。',
  ];
}
