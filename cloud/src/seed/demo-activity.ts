/**
 * The demo store's WeCom conversation over the last 60 days (deterministic: the same contacts and
 * day give the same replies): each contact bound to a member has a chattiness — a third rarely
 * answer, most reply every week or two, a few chat several times a week — and replies fall in
 * Shanghai daytime (08:00–21:59), busier in the last weeks (the store's WeCom push is recent).
 * Pure: the seed emits them as CustomerReplied, the event the sidebar emits for a noted reply, so
 * insight's interaction figures, feedback's churn signals and the A/B reply goal hear them.
 */
import { sameDayAt } from '../../../contracts/calendar';
import { mulberry32 } from './demo-data';

const DAY = 86_400_000;
const HOUR = 3_600_000;
export const DEMO_REPLY_DAYS = 60;

export interface DemoContact {
  externalUserId: string;
  staffUserId: string | null;
  memberId: number;
}

export interface DemoReply extends DemoContact {
  at: Date;
}

export function demoReplies(contacts: DemoContact[], now: Date): DemoReply[] {
  const rand = mulberry32(20_261_016);
  const out: DemoReply[] = [];
  for (const c of contacts) {
    const r = rand();
    // replies a week: quiet 0.1, regular 0.5–1, chatty 2–3
    const perWeek = r < 0.33 ? 0.1 : r < 0.9 ? 0.5 + rand() * 0.5 : 2 + rand();
    for (let d = DEMO_REPLY_DAYS - 1; d >= 0; d--) {
      const recent = d < 21 ? 1.4 : 0.8;
      if (rand() >= (perWeek / 7) * recent) continue;
      // a Shanghai day d days back, at 08:00–21:59 local time
      const at = new Date(sameDayAt(now, '08:00').getTime() - d * DAY + Math.floor(rand() * 14 * HOUR));
      if (at.getTime() <= now.getTime()) out.push({ ...c, at });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}
