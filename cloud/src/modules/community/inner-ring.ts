/**
 * The inner ring rule (pure): who qualifies by behaviour over a window. Ops see the rule's text
 * next to the members it picks, so it is one definition for both.
 */
import { z } from 'zod';

/** Thresholds from the environment (COMMUNITY_INNER_RING_*), defaults fit a mid-sized store. */
const Env = z.object({
  COMMUNITY_INNER_RING_ENTRIES: z.coerce.number().int().min(1).default(1),
  COMMUNITY_INNER_RING_CHECKINS: z.coerce.number().int().min(1).default(3),
  COMMUNITY_INNER_RING_INTERACTIONS: z.coerce.number().int().min(1).default(10),
  COMMUNITY_INNER_RING_WINDOW_DAYS: z.coerce.number().int().min(1).max(730).default(180),
});
const env = Env.parse(process.env);

export const INNER_RING_RULE = {
  /** Approved contest entries (creators). */
  creatorEntries: env.COMMUNITY_INNER_RING_ENTRIES,
  /** Class/event check-ins (regular attendees). */
  regularCheckins: env.COMMUNITY_INNER_RING_CHECKINS,
  /** Contest voting days, registrations and orders together (high interaction). */
  interactionDays: env.COMMUNITY_INNER_RING_INTERACTIONS,
  windowDays: env.COMMUNITY_INNER_RING_WINDOW_DAYS,
};

export function innerRingText(r = INNER_RING_RULE): string[] {
  return [
    `近 ${r.windowDays} 天内满足任一条件即进入内圈：`,
    `创作者：至少 ${r.creatorEntries} 个作品通过审核`,
    `常客：参加活动签到至少 ${r.regularCheckins} 次`,
    `高互动：投票、报名、下单合计至少 ${r.interactionDays} 次`,
  ];
}

export interface ParticipationCounts {
  contest_entry?: number;
  checkin?: number;
  contest_vote?: number;
  class?: number;
  order?: number;
}

/** Reasons the member qualifies (empty: not in the inner ring). */
export function innerRingReasons(c: ParticipationCounts, r = INNER_RING_RULE): string[] {
  const reasons: string[] = [];
  if ((c.contest_entry ?? 0) >= r.creatorEntries) reasons.push(`创作者（${c.contest_entry} 个作品）`);
  if ((c.checkin ?? 0) >= r.regularCheckins) reasons.push(`常客（签到 ${c.checkin} 次）`);
  const interactions = (c.contest_vote ?? 0) + (c.class ?? 0) + (c.order ?? 0);
  if (interactions >= r.interactionDays) reasons.push(`高互动（${interactions} 次）`);
  return reasons;
}
