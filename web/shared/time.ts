/**
 * What people read and type in the browser pages: instants arrive as ISO-8601 UTC and are shown /
 * entered as Beijing wall time whatever the browser's zone. The arithmetic is contracts/calendar.
 */
import { dayKey, formatDateTime as shanghaiDateTime, fromLocalInput, isValidInstant, toLocalInput } from '../../contracts/calendar';

/** "2026-11-01 16:05" in Asia/Shanghai; '—' for missing or unparsable input. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso && isValidInstant(iso) ? shanghaiDateTime(iso) : '—';
}

/** "2026-11-01" in Asia/Shanghai. */
export function formatDate(iso: string | null | undefined): string {
  return iso && isValidInstant(iso) ? dayKey(iso) : '—';
}

/** ISO UTC -> "YYYY-MM-DDTHH:mm" in Beijing time, the value a datetime-local input shows ('' when unparsable). */
export function toShanghaiInput(iso: string | null | undefined): string {
  return iso && isValidInstant(iso) ? toLocalInput(iso) : '';
}

/** "YYYY-MM-DDTHH:mm" read as Beijing time -> ISO UTC; null when incomplete or unparsable. */
export function fromShanghaiInput(value: string | undefined | null): string | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const d = fromLocalInput(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Today's Shanghai date "YYYY-MM-DD". */
export function shanghaiToday(now = new Date()): string {
  return dayKey(now);
}

/** "10:00" of an ISO instant in Beijing time. */
export function shanghaiClock(iso: string): string {
  return toShanghaiInput(iso).slice(11);
}
