/**
 * Asia/Shanghai calendar arithmetic (UTC+8 all year, no DST): days, weeks and months for caps and
 * quiet hours are Shanghai ones while the database stores UTC.
 */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** UTC instant of 00:00 Shanghai on the day containing `at`. */
export function shanghaiDayStart(at: Date): Date {
  const local = at.getTime() + OFFSET_MS;
  return new Date(local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - OFFSET_MS);
}

/** UTC instant of Monday 00:00 Shanghai of the week containing `at`. */
export function shanghaiWeekStart(at: Date): Date {
  const day = shanghaiDayStart(at);
  const weekday = new Date(day.getTime() + OFFSET_MS).getUTCDay(); // 0 = Sunday
  return new Date(day.getTime() - ((weekday + 6) % 7) * DAY_MS);
}

/** UTC instant of the 1st 00:00 Shanghai of the month containing `at`, and the month's length. */
export function shanghaiMonth(at: Date): { start: Date; days: number; key: string } {
  const local = new Date(at.getTime() + OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  return {
    start: new Date(Date.UTC(y, m, 1) - OFFSET_MS),
    days: new Date(Date.UTC(y, m + 1, 0)).getUTCDate(),
    key: `${y}-${String(m + 1).padStart(2, '0')}`,
  };
}

/** YYYY-MM-DD of the Shanghai day. */
export function shanghaiDateKey(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since Shanghai midnight. */
export function shanghaiMinuteOfDay(at: Date): number {
  const local = new Date(at.getTime() + OFFSET_MS);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

export function hhmmToMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * If `at` falls inside the quiet window [start, end) (Shanghai time, may wrap midnight), the first
 * instant after it; otherwise null.
 */
export function quietUntil(at: Date, quietStart: string, quietEnd: string): Date | null {
  const s = hhmmToMinutes(quietStart);
  const e = hhmmToMinutes(quietEnd);
  if (s === e) return null;
  const minute = shanghaiMinuteOfDay(at);
  const inside = s < e ? minute >= s && minute < e : minute >= s || minute < e;
  if (!inside) return null;
  const dayStart = shanghaiDayStart(at);
  let end = new Date(dayStart.getTime() + e * 60_000);
  if (end.getTime() <= at.getTime()) end = new Date(end.getTime() + DAY_MS);
  return end;
}
