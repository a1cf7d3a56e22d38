/**
 * Churn risk of one member against their OWN rhythm: a weekly shopper quiet for three weeks is at
 * risk, a monthly one is not. One pure function over the member's dated signals (interactions,
 * store visits, purchases); no I/O.
 *
 * Per signal kind the member has a history in: the usual gap is the median gap between their
 * events (a default when there are too few), the silence is the time since the last one; the kind
 * adds to the score once the silence exceeds 1.5× the usual gap, fully at 4×. Thirty days without
 * any interaction is a risk whatever the rhythm (the "30 days without interaction").
 *
 * Messages our staff sent (clerk, journey, mass message) are the "unread" signal WeCom allows
 * (it has no read receipts): UNANSWERED_LIMIT of them in a row with no reply, visit or purchase
 * since marks the member at risk, with the suggested cause 消息太多.
 */
export type SignalKind = 'interaction' | 'visit' | 'purchase';

export interface MemberSignals {
  interaction: Date[];
  visit: Date[];
  purchase: Date[];
  /** Private messages sent to the member (not a sign of life: they do not count as activity). */
  message?: Date[];
}

export interface RiskResult {
  score: number;
  level: 'high' | 'medium' | 'low' | 'none';
  reasons: string[];
  lastActiveAt: Date | null;
  suggestedCause: 'too_many_messages' | null;
}

/** Messages in a row without a response that make a member at risk (「消息太多」). */
export const UNANSWERED_LIMIT = 3;
/** Only recent messages count: an old unanswered run is already in the silence score. */
const UNANSWERED_WINDOW_DAYS = 60;

const DAY = 86_400_000;
/** Used when a member has fewer than 3 events of a kind (no rhythm to speak of yet). */
export const DEFAULT_GAP_DAYS: Record<SignalKind, number> = { interaction: 14, visit: 14, purchase: 21 };
/** Nobody's rhythm is shorter than this (daily shoppers skip days without being at risk). */
const MIN_GAP_DAYS = 3;
const WEIGHT: Record<SignalKind, number> = { interaction: 30, visit: 35, purchase: 35 };
export const QUIET_INTERACTION_DAYS = 30;
const LABEL: Record<SignalKind, [string, string]> = {
  interaction: ['没有互动', '互动'],
  visit: ['没有到店', '到店'],
  purchase: ['没有购买', '购买'],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The usual gap in days between this member's events of one kind (only the last year counts). */
export function usualGapDays(times: Date[], kind: SignalKind, now: Date): number {
  const t = times
    .map((d) => d.getTime())
    .filter((x) => x <= now.getTime() && x >= now.getTime() - 365 * DAY)
    .sort((a, b) => a - b);
  if (t.length < 3) return DEFAULT_GAP_DAYS[kind];
  const gaps: number[] = [];
  for (let i = 1; i < t.length; i++) gaps.push((t[i] - t[i - 1]) / DAY);
  return Math.max(MIN_GAP_DAYS, median(gaps));
}

export function levelOf(score: number): RiskResult['level'] {
  return score >= 60 ? 'high' : score >= 30 ? 'medium' : score > 0 ? 'low' : 'none';
}

export function churnRisk(s: MemberSignals, now: Date): RiskResult {
  let score = 0;
  const reasons: string[] = [];
  let lastActive = 0;
  for (const kind of ['visit', 'purchase', 'interaction'] as SignalKind[]) {
    const times = s[kind].filter((d) => d.getTime() <= now.getTime());
    if (!times.length) continue;
    const last = Math.max(...times.map((d) => d.getTime()));
    lastActive = Math.max(lastActive, last);
    const silence = (now.getTime() - last) / DAY;
    const gap = usualGapDays(times, kind, now);
    const ratio = silence / gap;
    if (ratio <= 1.5) continue;
    const part = Math.min(1, (ratio - 1.5) / 2.5);
    score += WEIGHT[kind] * part;
    const [quiet, noun] = LABEL[kind];
    reasons.push(`已${Math.floor(silence)}天${quiet}（平时约每${Math.round(gap)}天${noun}一次）`);
  }
  // interactions include visits and purchases: anything the member did
  const anyLast = Math.max(lastActive, ...s.interaction.map((d) => d.getTime()).filter((x) => x <= now.getTime()), 0);
  if (anyLast > 0) {
    const quietDays = Math.floor((now.getTime() - anyLast) / DAY);
    if (quietDays >= QUIET_INTERACTION_DAYS) {
      score = Math.max(score, 40);
      if (!reasons.some((r) => r.includes('没有互动'))) reasons.push(`已${quietDays}天没有任何互动`);
    }
  }
  // messages since the member's last sign of life
  const since = Math.max(anyLast, now.getTime() - UNANSWERED_WINDOW_DAYS * DAY);
  const unanswered = (s.message ?? []).filter((d) => d.getTime() > since && d.getTime() <= now.getTime()).length;
  let suggestedCause: RiskResult['suggestedCause'] = null;
  if (unanswered >= UNANSWERED_LIMIT) {
    score = Math.max(score, Math.min(80, 40 + 10 * (unanswered - UNANSWERED_LIMIT)));
    reasons.push(`连续收到${unanswered}条消息，没有回复也没有到店（可能被消息打扰）`);
    suggestedCause = 'too_many_messages';
  }
  const rounded = Math.min(100, Math.round(score));
  return { score: rounded, level: levelOf(rounded), reasons, lastActiveAt: anyLast > 0 ? new Date(anyLast) : null, suggestedCause };
}
