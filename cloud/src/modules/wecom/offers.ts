/**
 * Next best offers for the sidebar: what the clerk could bring up with this customer now, and why.
 * One pure function over the facts the domains provide (no I/O), so the rules are unit-tested as
 * they are. Deterministic: fixed priorities, at most 3 offers. Never suggests canvassing votes
 * (拉票): the contest rules forbid rewarding shares or votes, so a contest offer only invites an entry.
 */
import { couponRule, type MemberFactSet } from '../../core/timeline';
import { dayNumber, formatClock, formatMonthDay } from '../../../../contracts/calendar';

export interface Offer {
  key: OfferKey;
  text: string;
  reason: string;
}

export type OfferKey =
  | 'pickup_missed'
  | 'pickup_reminder'
  | 'unpaid_order'
  | 'pickup_feedback'
  | 'class_reminder'
  | 'waitlist_reassure'
  | 'no_show_checkin'
  | 'wake_coupon'
  | 'caring_hello'
  | 'contest_invite'
  | 'nye_preorder'
  | 'new_arrival_taste'
  | 'tier';

export interface OfferInput {
  tier: string;
  registeredAt: Date;
  facts: MemberFactSet;
  now: Date;
}

const DAY = 86_400_000;
export const MAX_OFFERS = 3;
export const QUIET_DAYS = 30;
export const NO_SHOW_RECENT_DAYS = 14;
export const NEW_MEMBER_DAYS = 30;
/** A picked-up pre-order is worth asking about for this long. */
export const PICKUP_FEEDBACK_DAYS = 3;

const dayIndex = dayNumber;
const hm = formatClock;
const md = formatMonthDay;

/** 「今天 14:00」/「明天 14:00」/「12月3日 14:00」 relative to `now`, in Shanghai. */
function when(at: Date, now: Date): string {
  const diff = dayIndex(at) - dayIndex(now);
  const day = diff === 0 ? '今天' : diff === 1 ? '明天' : md(at);
  return `${day} ${hm(at)}`;
}

function tierOffer(tier: string): Offer | null {
  const reason = `按会员等级（${tier}）推荐`;
  switch (tier) {
    case '新客':
      return { key: 'tier', text: '介绍年夜饭预订即将开放，可先帮客户登记预约提醒', reason };
    case '银卡':
      return { key: 'tier', text: '邀请报名本周的烹饪课', reason };
    case '金卡':
      return { key: 'tier', text: '介绍年夜饭家庭套餐，开放后可提前锁定提货时段（可先登记预约提醒）', reason };
    case '钻石':
      return { key: 'tier', text: '店长专属回访，预约节日礼盒', reason };
    default:
      return null;
  }
}

/**
 * Purchase-based suggestion (issue 11): the member bought from category X in the last 14 days and a
 * current 「新品到店」 is in X or lists X as related → invite them to taste it, naming what they bought.
 */
export function newArrivalTaste(facts: Pick<MemberFactSet, 'recentPurchases' | 'newArrivals'>): Offer | null {
  for (const a of facts.newArrivals ?? []) {
    const suits = [a.category, ...a.relatedCategories];
    const bought = (facts.recentPurchases ?? []).find((p) => suits.some((c) => categoryWithin(p.category, c)));
    if (bought) {
      return {
        key: 'new_arrival_taste',
        text: `邀请客户到店试吃新品「${a.title}」`,
        reason: `${md(bought.at)}买过「${bought.name}」（${bought.category}），新到的「${a.title}」正好搭配`,
      };
    }
  }
  return null;
}

/** 「肉禽/牛肉」 is within 「肉禽」 and within 「肉禽/牛肉」, not within 「肉禽/鸡肉」. */
export const categoryWithin = (bought: string, marked: string) => bought === marked || bought.startsWith(`${marked}/`);

/**
 * Pre-order rules (issue 14), most time-critical first: a paid order whose pickup slot passed
 * without pickup; a pickup today or tomorrow; an order placed and not paid while its payment window
 * is open. Each names the order (campaign, items, store, slot) so the clerk can say it as is.
 */
export function orderOffers(facts: Pick<MemberFactSet, 'pickups' | 'unpaidOrder'>, now: Date): Offer[] {
  const out: Offer[] = [];
  const today = dayIndex(now);
  const pickups = facts.pickups ?? [];
  const missed = pickups.find((p) => p.slotEndsAt <= now);
  if (missed) {
    out.push({
      key: 'pickup_missed',
      text: `提醒客户：预订的「${missed.campaign}」（${missed.items}）还没取，请尽快到${missed.storeName ?? '门店'}出示取货码取货`,
      reason: `取货时段${when(missed.slotStartsAt, now)}–${hm(missed.slotEndsAt)}已过，尚未核销`,
    });
  }
  const soon = pickups.find((p) => p.slotEndsAt > now && dayIndex(p.slotStartsAt) - today <= 1);
  if (soon) {
    out.push({
      key: 'pickup_reminder',
      text: `提醒客户：${when(soon.slotStartsAt, now)}–${hm(soon.slotEndsAt)} 到${soon.storeName ?? '门店'}取「${soon.campaign}」，出示「我的订单」里的取货码`,
      reason: `已支付预订（${soon.items}），${dayIndex(soon.slotStartsAt) <= today ? '今天' : '明天'}取货`,
    });
  }
  const unpaid = facts.unpaidOrder;
  if (unpaid && unpaid.expiresAt > now) {
    out.push({
      key: 'unpaid_order',
      text: `提醒客户：「${unpaid.campaign}」的订单还没支付，${hm(unpaid.expiresAt)}前在「我的订单」完成支付才能保留`,
      reason: `已下单未支付（${unpaid.items}，¥${(unpaid.totalFen / 100).toFixed(unpaid.totalFen % 100 ? 2 : 0)}）`,
    });
  }
  return out;
}

/** A pre-order picked up in the last days: ask how it tasted (feedback, not a sale). */
export function pickupFeedback(facts: Pick<MemberFactSet, 'pickedUpOrder'>, now: Date): Offer | null {
  const p = facts.pickedUpOrder;
  if (!p || p.pickedUpAt > now || now.getTime() - p.pickedUpAt.getTime() > PICKUP_FEEDBACK_DAYS * DAY) return null;
  return {
    key: 'pickup_feedback',
    text: `问问客户「${p.items}」味道怎么样，欢迎在小程序里留下评价和建议`,
    reason: `${md(p.pickedUpAt)}已到店取走「${p.campaign}」预订`,
  };
}

export function nextBestOffers({ tier, registeredAt, facts, now }: OfferInput): Offer[] {
  const offers: Offer[] = [];
  const today = dayIndex(now);

  // 0. pre-orders: a missed pickup, a pickup today or tomorrow, an unpaid order (money and food waiting)
  offers.push(...orderOffers(facts, now));

  // 1. a booked class today or tomorrow: remind (the most time-critical)
  const soon = facts.upcomingClasses.find((c) => c.status === 'confirmed' && c.startsAt > now && dayIndex(c.startsAt) - today <= 1);
  if (soon) {
    offers.push({
      key: 'class_reminder',
      text: `提醒客户：「${soon.title}」${when(soon.startsAt, now)} 开课，请准时到店签到`,
      reason: `已报名该课程，${dayIndex(soon.startsAt) === today ? '今天' : '明天'}开课`,
    });
  }

  // 2. on a waitlist: reassure about the position
  const waiting = facts.upcomingClasses.find((c) => c.status === 'waitlisted' && c.startsAt > now);
  if (waiting) {
    const pos = waiting.waitlistPosition;
    offers.push({
      key: 'waitlist_reassure',
      text: `告诉客户「${waiting.title}」${pos ? `目前候补第${pos}位` : '正在候补'}，有人退出会自动转为报名并通知，不用重复报名`,
      reason: `客户在${when(waiting.startsAt, now)}课程的候补名单中`,
    });
  }

  // 3. missed a class recently: a gentle check-in, not a reproach
  const ns = facts.lastNoShow;
  if (ns && now.getTime() - ns.startsAt.getTime() <= NO_SHOW_RECENT_DAYS * DAY && now >= ns.startsAt) {
    offers.push({
      key: 'no_show_checkin',
      text: `温和问候：${md(ns.startsAt)}的「${ns.title}」没见到您，是不是临时有事？欢迎报名下一期`,
      reason: `${md(ns.startsAt)}的课程已报名但未签到`,
    });
  }

  // 3a. picked up a pre-order lately: ask how it was
  const feedback = pickupFeedback(facts, now);
  if (feedback) offers.push(feedback);

  // 3b. bought from a category lately and ops marked a new arrival that suits it: invite a tasting
  const taste = newArrivalTaste(facts);
  if (taste) offers.push(taste);

  // 4. quiet for 30+ days: the unused wake-up coupon if there is one, else a caring hello
  const last = Math.max(registeredAt.getTime(), ...facts.activeAt.filter((d) => d <= now).map((d) => d.getTime()));
  const quietDays = Math.floor((now.getTime() - last) / DAY);
  if (quietDays >= QUIET_DAYS) {
    const c = facts.unusedCoupon;
    if (c && c.validUntil > now) {
      offers.push({
        key: 'wake_coupon',
        text: `提醒客户「${c.title}」（${couponRule(c)}）还没用，${md(c.validUntil)}前有效`,
        reason: `已${quietDays}天没有互动，回归券尚未使用`,
      });
    } else {
      offers.push({ key: 'caring_hello', text: '发一句关怀问候，聊聊店里最近到的时令菜', reason: `已${quietDays}天没有互动` });
    }
  }

  // 5. a contest taking entries and none from the member: invite an entry (never votes / 拉票)
  const contest = facts.openContest;
  if (contest && !contest.hasEntry && contest.submissionEndAt > now) {
    offers.push({
      key: 'contest_invite',
      text: `邀请参加「${contest.title}」，晒一道家里的拿手菜和它的故事`,
      reason: `活动征集中（${md(contest.submissionEndAt)}截止），客户还没有投稿`,
    });
  }

  // 6. never ordered and not gone quiet: the New Year's Eve dinner pre-order (not open yet). The
  // reason says what is true of this member: 「新会员」 only within NEW_MEMBER_DAYS of registering
  // (the 新客 tier alone stays on long-registered members who never ordered); a quiet customer gets
  // the caring offer above instead of a sales pitch.
  const memberDays = Math.floor((now.getTime() - registeredAt.getTime()) / DAY);
  const recentlyJoined = memberDays <= NEW_MEMBER_DAYS;
  const hasPreorder = (facts.pickups ?? []).length > 0 || !!facts.unpaidOrder || !!facts.pickedUpOrder;
  if ((recentlyJoined || tier === '新客') && !facts.lastOrderAt && !hasPreorder && quietDays < QUIET_DAYS) {
    const open = facts.openCampaign && facts.openCampaign.saleEndsAt > now ? facts.openCampaign : null;
    offers.push({
      key: 'nye_preorder',
      text: open
        ? `介绍「${open.name}」预订：小程序「年夜饭」下单，门店按时段自提，${md(open.saleEndsAt)}前可订`
        : '介绍年夜饭预订即将开放，可先帮客户登记预约提醒',
      reason: recentlyJoined ? '新会员，还没有下过单' : `注册${memberDays}天，还没有下过单`,
    });
  }

  // 7. nothing from behaviour: by tier
  if (!offers.length) {
    const t = tierOffer(tier);
    if (t) offers.push(t);
  }
  return offers.slice(0, MAX_OFFERS);
}
