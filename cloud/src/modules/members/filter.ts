/** Pure pieces of the member list: Shanghai day bounds and the export's phone masking per role. */
import type { StaffRole } from '../../../../contracts/route';
import { dayRangeOfKey, dayStartOfKey } from '../../../../contracts/calendar';

/** The UTC instant a Shanghai day 'YYYY-MM-DD' starts. */
export const shanghaiDayStart = dayStartOfKey;

/** [from, to) in UTC for an inclusive range of Shanghai days; either end may be open. */
export function joinedRange(from?: string, to?: string): { from: Date | null; to: Date | null } {
  return { from: from ? shanghaiDayStart(from) : null, to: to ? dayRangeOfKey(to).end : null };
}

/**
 * The phone as the export shows it to this role: HQ admins (who answer for the data) get the full
 * number; store managers and group owners the masked one (138****1234), like on screen.
 */
export function exportPhone(role: StaffRole, phone: string | null, masked: string | null): string {
  if (!phone) return '';
  return role === 'hq_admin' ? phone : (masked ?? '');
}
