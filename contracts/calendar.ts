/**
 * The one Asia/Shanghai calendar of the product (server, mini-program, ops page, sidebar).
 *
 * Instants are stored and sent as UTC; people live in Shanghai days, weeks (Monday first) and
 * months. China has kept a fixed +08:00 offset with no daylight saving since 1991, so every helper
 * here is fixed-offset arithmetic on UTC getters: it needs no Intl time-zone data (missing on some
 * older mini-program engines) and costs a fraction of a zone-aware library in hot loops (vote days,
 * journey caps). Keep all Shanghai calendar arithmetic in this file.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

type When = Date | string | number;
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
const ms = (at: When) => (at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at));
/** The Shanghai wall clock of an instant, read through the UTC getters. */
const wall = (at: When) => new Date(ms(at) + SHANGHAI_OFFSET_MS);

/** Calendar parts of an instant in Shanghai (month 1–12, weekday 0 = Sunday). */
export function shanghaiParts(at: When): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const w = wall(at);
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    weekday: w.getUTCDay(),
  };
}

/** "2026-11-26": the Shanghai day key of an instant. */
export function dayKey(at: When): string {
  return wall(at).toISOString().slice(0, 10);
}

/** "2026-11": the Shanghai month key of an instant. */
export function monthKey(at: When): string {
  return wall(at).toISOString().slice(0, 7);
}

/** Whole Shanghai days since 1970-01-01 (for "how many days apart" comparisons). */
export function dayNumber(at: When): number {
  return Math.floor((ms(at) + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Monday of the Shanghai week containing `at`, as a day key. */
export function weekKey(at: When): string {
  return dayKey(weekStart(at));
}

/** UTC instant of 00:00 Shanghai on the day containing `at`. */
export function dayStart(at: When): Date {
  const local = ms(at) + SHANGHAI_OFFSET_MS;
  return new Date(local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - SHANGHAI_OFFSET_MS);
}

/** UTC instant of 00:00 Shanghai of the next day: the exclusive end of the day containing `at`. */
export function dayEnd(at: When): Date {
  return new Date(dayStart(at).getTime() + DAY_MS);
}

/** UTC instant of 00:00 Shanghai on the day key `ymd` ("2026-11-26"). */
export function dayStartOfKey(ymd: string): Date {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - SHANGHAI_OFFSET_MS);
}

/** [start, end) of the Shanghai day `ymd` in UTC. */
export function dayRangeOfKey(ymd: string): { start: Date; end: Date } {
  const start = dayStartOfKey(ymd);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

/** UTC instant of Monday 00:00 Shanghai of the week containing `at`. */
export function weekStart(at: When): Date {
  const day = dayStart(at);
  const weekday = new Date(day.getTime() + SHANGHAI_OFFSET_MS).getUTCDay(); // 0 = Sunday
  return new Date(day.getTime() - ((weekday + 6) % 7) * DAY_MS);
}

/** Exclusive end of the Shanghai week (next Monday 00:00). */
export function weekEnd(at: When): Date {
  return new Date(weekStart(at).getTime() + 7 * DAY_MS);
}

/** The Shanghai month containing `at`: its first instant, exclusive end, length in days and key. */
export function monthOf(at: When): { start: Date; end: Date; days: number; key: string } {
  const w = wall(at);
  const y = w.getUTCFullYear();
  const m = w.getUTCMonth();
  return {
    start: new Date(Date.UTC(y, m, 1) - SHANGHAI_OFFSET_MS),
    end: new Date(Date.UTC(y, m + 1, 1) - SHANGHAI_OFFSET_MS),
    days: new Date(Date.UTC(y, m + 1, 0)).getUTCDate(),
    key: `${y}-${pad(m + 1)}`,
  };
}

/** UTC instant of 00:00 Shanghai on day `day` (1-based, may overflow) of the month `months` after the one containing `at`. */
export function monthDayStart(at: When, day: number, months = 0): Date {
  const w = wall(at);
  return new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() + months, day) - SHANGHAI_OFFSET_MS);
}

/** Minutes since Shanghai midnight. */
export function minuteOfDay(at: When): number {
  const w = wall(at);
  return w.getUTCHours() * 60 + w.getUTCMinutes();
}

/** "21:30" → 1290. */
export function hhmmToMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The instant of Shanghai wall time `hhmm` on day key `ymd`. */
export function atLocalTime(ymd: string, hhmm: string): Date {
  return new Date(dayStartOfKey(ymd).getTime() + hhmmToMinutes(hhmm) * MINUTE_MS);
}

/** The same Shanghai day as the instant `day`, at wall time `hhmm`. */
export function sameDayAt(day: When, hhmm: string): Date {
  return new Date(dayStart(day).getTime() + hhmmToMinutes(hhmm) * MINUTE_MS);
}

/** A day key plus n days ("2026-11-30" + 2 = "2026-12-02"). */
export function addDaysToKey(ymd: string, n: number): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Weekday of a day key, 0 = Sunday. */
export function weekdayOfKey(ymd: string): number {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** True when `ymd` is a real calendar day ("2026-02-30" is not). */
export function isRealDay(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * If `at` falls inside the quiet window [start, end) (Shanghai wall times, may wrap midnight), the
 * first instant after it; otherwise null.
 */
export function quietUntil(at: Date, quietStart: string, quietEnd: string): Date | null {
  const s = hhmmToMinutes(quietStart);
  const e = hhmmToMinutes(quietEnd);
  if (s === e) return null;
  const minute = minuteOfDay(at);
  const inside = s < e ? minute >= s && minute < e : minute >= s || minute < e;
  if (!inside) return null;
  let end = new Date(dayStart(at).getTime() + e * MINUTE_MS);
  if (end.getTime() <= at.getTime()) end = new Date(end.getTime() + DAY_MS);
  return end;
}

// ---------------------------------------------------------------------------------------------
// Formatting (what people read)

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** 周日…周六 of a weekday number (0 = Sunday). */
export function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday];
}

/** "2026-11-01 16:05" in Shanghai. */
export function formatDateTime(at: When): string {
  return wall(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** "2026-11-01 16:05:09" in Shanghai. */
export function formatDateTimeSeconds(at: When): string {
  return wall(at).toISOString().slice(0, 19).replace('T', ' ');
}

/** "16:05" in Shanghai. */
export function formatClock(at: When): string {
  return wall(at).toISOString().slice(11, 16);
}

/** 「12月3日」 in Shanghai. */
export function formatMonthDay(at: When): string {
  const w = wall(at);
  return `${w.getUTCMonth() + 1}月${w.getUTCDate()}日`;
}

/** 「12月3日 14:00」 in Shanghai. */
export function formatMonthDayTime(at: When): string {
  const w = wall(at);
  return `${w.getUTCMonth() + 1}月${w.getUTCDate()}日 ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
}

/** "2026-11-01T16:05:09+08:00": RFC 3339 with the Shanghai offset (WeChat Pay wants this form). */
export function formatRfc3339Shanghai(at: When): string {
  return `${wall(at).toISOString().slice(0, 19)}+08:00`;
}

/** An instant is a valid date (not NaN). */
export function isValidInstant(at: When | null | undefined): boolean {
  return at !== null && at !== undefined && at !== '' && !Number.isNaN(ms(at));
}

/** The wall time "YYYY-MM-DDTHH:mm" of an instant, for `<input type="datetime-local">`. */
export function toLocalInput(at: When): string {
  return wall(at).toISOString().slice(0, 16);
}

/** A Shanghai wall time "YYYY-MM-DDTHH:mm" (or "YYYY-MM-DD HH:mm", seconds optional) as a UTC instant. */
export function fromLocalInput(value: string): Date {
  const v = value.trim().replace(' ', 'T');
  return new Date(`${v.length === 16 ? `${v}:00` : v}+08:00`);
}

/** `at` plus n minutes. */
export function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * MINUTE_MS);
}

/** `at` plus n whole days (Shanghai has no DST, so the wall time is kept). */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}
