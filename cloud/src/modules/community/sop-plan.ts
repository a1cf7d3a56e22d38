/**
 * Group SOP decisions as pure functions (Beijing calendar, UTC instants): when a scheduled
 * message's latest occurrence was, and whether a message may go to a group now, later (after the
 * quiet hours) or not this week (the per-group weekly cap).
 */
import { DAY_MS, dayStart, hhmmToMinutes, monthDayStart, quietUntil, shanghaiParts, weekStart } from '../../../../contracts/calendar';

export interface SopSchedule {
  cadence: 'weekly' | 'monthly';
  /** 1 = Monday … 7 = Sunday */
  weekday: number | null;
  monthDay: number | null;
  time: string;
}

/** The latest occurrence at or before `now` (UTC instant of the Beijing slot). */
export function latestSlot(s: SopSchedule, now: Date): Date {
  const minutes = hhmmToMinutes(s.time) * 60_000;
  const today = dayStart(now);
  if (s.cadence === 'weekly') {
    const weekday = ((shanghaiParts(today).weekday + 6) % 7) + 1; // 1..7
    let back = (weekday - (s.weekday ?? 1) + 7) % 7;
    let slot = new Date(today.getTime() - back * DAY_MS + minutes);
    if (slot > now) {
      back += 7;
      slot = new Date(today.getTime() - back * DAY_MS + minutes);
    }
    return slot;
  }
  const day = s.monthDay ?? 1;
  let slot = new Date(monthDayStart(now, day).getTime() + minutes);
  if (slot > now) slot = new Date(monthDayStart(now, day, -1).getTime() + minutes);
  return slot;
}

/** A slot older than this is not turned into a task any more (the server was down, the SOP was paused). */
export const SLOT_GRACE_MS = 12 * 3600_000;

export interface SendRules {
  quietStart: string;
  quietEnd: string;
  weeklyCap: number;
}

export type SendPlan = { kind: 'send'; at: Date; deferred: boolean } | { kind: 'skip'; reason: string };

/**
 * Where a group message can go: at `at`, or at the end of the quiet hours if `at` falls inside
 * them; skipped when the group already has `weeklyCap` messages in that (Beijing) week.
 * `countInWeek(weekStart)` counts the group's messages already planned in the week starting then.
 */
export function planGroupSend(at: Date, rules: SendRules, countInWeek: (weekStart: Date) => number): SendPlan {
  const quiet = quietUntil(at, rules.quietStart, rules.quietEnd);
  const sendAt = quiet ?? at;
  if (rules.weeklyCap <= 0) return { kind: 'skip', reason: '该群已关闭群发（每周上限为 0）' };
  const used = countInWeek(weekStart(sendAt));
  if (used >= rules.weeklyCap) return { kind: 'skip', reason: `本周群发已达上限（${rules.weeklyCap} 条）` };
  return { kind: 'send', at: sendAt, deferred: quiet !== null };
}
