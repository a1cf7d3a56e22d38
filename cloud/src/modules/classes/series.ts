import { addDays, dayKey, monthDayStart } from '../../../../contracts/calendar';

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
  const day = Number(dayKey(first).slice(8, 10));
  const timeOfDay = first.getTime() - monthDayStart(first, day).getTime();
  for (let i = 0; out.length < recurrence.count && i < recurrence.count * 2 + 12; i++) {
    const candidate = monthDayStart(first, day, i);
    // e.g. 31 February rolled over into March: skip that month
    if (Number(dayKey(candidate).slice(8, 10)) !== day) continue;
    out.push(new Date(candidate.getTime() + timeOfDay));
  }
  return out;
}
