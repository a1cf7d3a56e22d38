/**
 * Times cross the wire as UTC ISO strings; members see them in Asia/Shanghai.
 * Intl with timeZone is missing on some older mini-program engines, so fall back to a fixed
 * +08:00 offset (China has had no daylight saving since 1991, so the two always agree).
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

let formatter: Intl.DateTimeFormat | null | undefined;
function getFormatter(): Intl.DateTimeFormat | null {
  if (formatter !== undefined) return formatter;
  try {
    formatter = new Intl.DateTimeFormat('zh-CN', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    // Engines without tz data may ignore timeZone silently: check a known instant.
    const probe = formatter.formatToParts(new Date(Date.UTC(2020, 0, 1, 16, 30)));
    if (probe.find((p) => p.type === 'hour')?.value !== '00') formatter = null;
  } catch {
    formatter = null;
  }
  return formatter;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-01 08:05" in Asia/Shanghai; '—' for empty, the raw text for unparseable input. */
export function formatShanghai(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const f = getFormatter();
  if (f) {
    const parts: Record<string, string> = {};
    for (const p of f.formatToParts(date)) parts[p.type] = p.value;
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  }
  const d = new Date(date.getTime() + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Exposed for tests: forget the cached formatter. */
export function resetTimeFormatterForTests(): void {
  formatter = undefined;
}
