/** Times cross the wire as UTC ISO strings; members see them in Asia/Shanghai (contracts/calendar). */
import { formatDateTime, isValidInstant } from '@contracts/calendar';

/** "2026-11-01 08:05" in Asia/Shanghai; '—' for empty, the raw text for unparseable input. */
export function formatShanghai(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (!isValidInstant(iso)) return iso;
  return formatDateTime(iso);
}

/** The calendar keeps no cached formatter (it needs no Intl time-zone data); kept for the tests' hook. */
export function resetTimeFormatterForTests(): void {}
