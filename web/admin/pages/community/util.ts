/** Helpers shared by the community screens. */
import { fromLocalInput } from '../../../../contracts/calendar';

/** A datetime-local value (Beijing wall time) as an ISO instant. */
export function beijingToIso(local: string): string {
  return fromLocalInput(local).toISOString();
}

export const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];
