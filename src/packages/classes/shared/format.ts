/**
 * Display helpers of the classes subpackage. Sessions carry UTC instants; members read them as
 * Asia/Shanghai calendar days and clock times (fixed +08:00: China has no daylight saving).
 */
import { addDaysToKey, dayKey, formatClock, formatMonthDayTime, weekdayName, weekdayOfKey } from '@contracts/calendar';
import { CLASS_TYPE_LABELS, REGISTRATION_STATUS_LABELS, type ClassType, type RegistrationStatus } from '@contracts/classes';

/** "2026-11-26": the Shanghai calendar day of an instant (default: now). */
export function ymdOf(at: Date | string = new Date()): string {
  return dayKey(at);
}

/** A calendar day plus n days ("2026-11-30" + 2 = "2026-12-02"). */
export const addDays: (ymd: string, n: number) => string = addDaysToKey;

export function weekdayOf(ymd: string): string {
  return weekdayName(weekdayOfKey(ymd));
}

/** Chip text for a day: 今天 / 明天 / 周三, with "11/26" below. */
export function dayChip(ymd: string, today: string): { top: string; bottom: string } {
  const top = ymd === today ? '今天' : ymd === addDays(today, 1) ? '明天' : weekdayOf(ymd);
  const [, m, d] = ymd.split('-').map(Number);
  return { top, bottom: `${m}/${d}` };
}

/** "11月26日 周三" */
export function dayTitle(ymd: string): string {
  const [, m, d] = ymd.split('-').map(Number);
  return `${m}月${d}日 ${weekdayOf(ymd)}`;
}

/** "10:00" in Shanghai. */
export function clock(iso: string): string {
  return formatClock(iso);
}

/** "11月26日 周三 10:00–11:30" (the end's day is named when it differs). */
export function sessionWhen(startsAt: string, endsAt: string): string {
  const startDay = ymdOf(startsAt);
  const endDay = ymdOf(endsAt);
  const end = endDay === startDay ? clock(endsAt) : `${dayTitle(endDay)} ${clock(endsAt)}`;
  return `${dayTitle(startDay)} ${clock(startsAt)}–${end}`;
}

/** "11月25日 10:00" — for deadlines. */
export function shortDateTime(iso: string): string {
  return formatMonthDayTime(iso);
}

export function priceText(fen: number): string {
  if (fen <= 0) return '免费';
  return `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}/人`;
}

export function typeLabel(type: ClassType): string {
  return CLASS_TYPE_LABELS[type] ?? type;
}

export function statusLabel(status: RegistrationStatus): string {
  return REGISTRATION_STATUS_LABELS[status] ?? status;
}

/** Seats left as members read them: "成人余3位 · 儿童余2位", or 已满. */
export function seatsText(s: { adultSeats: number; childSeats: number; adultSeatsLeft: number; childSeatsLeft: number }): string {
  const parts: string[] = [];
  if (s.adultSeats > 0) parts.push(s.adultSeatsLeft > 0 ? `成人余${s.adultSeatsLeft}位` : '成人已满');
  if (s.childSeats > 0) parts.push(s.childSeatsLeft > 0 ? `儿童余${s.childSeatsLeft}位` : '儿童已满');
  return parts.join(' · ') || '名额已满';
}

/** No seat of any kind left. */
export function isFull(s: { adultSeatsLeft: number; childSeatsLeft: number }): boolean {
  return s.adultSeatsLeft <= 0 && s.childSeatsLeft <= 0;
}

export function partyText(adults: number, children: number): string {
  return children > 0 ? `${adults}位成人 · ${children}位儿童` : `${adults}位成人`;
}
