/** Asia/Shanghai calendar helpers (UTC+8 all year, no daylight saving) and series expansion. */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** YYYY-MM-DD of the Shanghai day containing `at`. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** UTC instant of 00:00 Shanghai time on `ymd`. */
export function shanghaiDayStart(ymd: string): Date {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - OFFSET_MS);
}

/** True when `ymd` is a real calendar day. */
export function isRealDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** 'YYYY-MM-DD HH:mm' in Shanghai time (for messages and CSV). */
export function shanghaiDateTime(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The same Shanghai day as `day`, at local `hh:mm`. */
export function atLocalTime(day: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(shanghaiDayStart(shanghaiDate(day)).getTime() + (h * 60 + m) * 60_000);
}

export function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * 60_000);
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/**
 * Start times of a series: the first start, then every day / week / month at the same local time.
 * Monthly keeps the day of month and skips months that lack it (31st).
 */
export function seriesStarts(first: Date, recurrence: { frequency: 'daily' | 'weekly' | 'monthly'; count: number } | null | undefined): Date[] {
  if (!recurrence) return [first];
  const out: Date[] = [];
  if (recurrence.frequency !== 'monthly') {
    const step = recurrence.frequency === 'daily' ? 1 : 7;
    for (let i = 0; i < recurrence.count; i++) out.push(addDays(first, i * step));
    return out;
  }
  const local = new Date(first.getTime() + OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  const timeOfDay = local.getTime() - Date.UTC(y, m, d);
  for (let i = 0; out.length < recurrence.count && i < recurrence.count * 2 + 12; i++) {
    const candidate = new Date(Date.UTC(y, m + i, d));
    if (candidate.getUTCDate() !== d) continue; // e.g. 31 February rolled over: skip that month
    out.push(new Date(candidate.getTime() + timeOfDay - OFFSET_MS));
  }
  return out;
}
