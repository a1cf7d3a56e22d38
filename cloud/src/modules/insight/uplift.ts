/**
 * Spend uplift of one event's attendees (a kit adopted as a class): the same difference in
 * differences as the ROI board (roi.ts), for a given set of treated members anchored at the event,
 * against members of the same cells (store, household kind, spend band) who took part in nothing
 * (no class, event or contest) in the window. The window is symmetric — L days before and after
 * the event, L = min(90, days elapsed since) — so a recent event is compared on what has happened
 * so far instead of an after-window still filling up. Figures are fen per member per 30 days. Pure.
 */
import { type ActivityKind, DAY_MS, type HouseholdKind, PARTICIPATION_KINDS } from './figures';
import { type CellStats, roiFromCells, spendBand, WINDOW_DAYS } from './roi';

export interface FactMember {
  id: number;
  storeId: number | null;
  householdId: number | null;
  householdKind: HouseholdKind | null;
  registeredAt: Date;
}
export interface FactPurchase {
  memberId: number;
  storeId: number;
  /** Net paid total in fen (negative for a refund). */
  totalFen: number;
  occurredAt: Date;
  categories: Record<string, number>;
}
export interface FactActivity {
  memberId: number;
  kind: ActivityKind;
  at: Date;
}

/** Fewer days after the event than this and there is nothing to compare yet. */
export const MIN_DAYS_AFTER = 7;

export type UpliftResult =
  | { status: 'too_early' | 'no_attendees' | 'no_comparison'; days: number; treated: number; matched: number; controls: number }
  | { status: 'ok'; days: number; treated: number; matched: number; controls: number; didFen: number; lowFen: number; highFen: number };

export function attendeeUplift(
  members: FactMember[],
  purchases: FactPurchase[],
  activities: FactActivity[],
  treatedIds: ReadonlySet<number>,
  anchor: Date,
  now: Date,
): UpliftResult {
  const days = Math.min(WINDOW_DAYS, Math.floor((now.getTime() - anchor.getTime()) / DAY_MS));
  const base = { days: Math.max(0, days), treated: 0, matched: 0, controls: 0 };
  if (!treatedIds.size) return { status: 'no_attendees', ...base };
  if (days < MIN_DAYS_AFTER) return { status: 'too_early', ...base, treated: treatedIds.size };
  const a = anchor.getTime();
  const before = a - days * DAY_MS;
  const after = a + days * DAY_MS;
  const touched = new Set<number>();
  for (const x of activities) {
    const t = x.at.getTime();
    if (PARTICIPATION_KINDS.has(x.kind) && t >= before && t < after) touched.add(x.memberId);
  }
  const sums = new Map<number, { sb: number; sa: number }>();
  for (const b of purchases) {
    const t = b.occurredAt.getTime();
    if (t < before || t >= after) continue;
    let s = sums.get(b.memberId);
    if (!s) sums.set(b.memberId, (s = { sb: 0, sa: 0 }));
    if (t < a) s.sb += b.totalFen;
    else s.sa += b.totalFen;
  }
  // roiFromCells takes 3-month totals: each member's per-30-day spend × 3
  const scale = (30 / days) * (WINDOW_DAYS / 30);
  const empty = (): CellStats => ({ n: 0, dv: 0, dv2: 0, vb: 0, va: 0, ds: 0, ds2: 0, sb: 0, sa: 0 });
  const cells = new Map<string, { t: CellStats; c: CellStats }>();
  let treated = 0;
  for (const m of members) {
    if (m.registeredAt.getTime() >= before) continue; // needs the whole "before" window
    const isTreated = treatedIds.has(m.id);
    if (!isTreated && touched.has(m.id)) continue;
    if (isTreated) treated++;
    const s = sums.get(m.id) ?? { sb: 0, sa: 0 };
    // the band of the 3 months' spend the ROI board uses, scaled from this window
    const cell = `${m.storeId ?? 0}|${m.householdKind ?? 'none'}|${spendBand((s.sb * WINDOW_DAYS) / days)}`;
    let g = cells.get(cell);
    if (!g) cells.set(cell, (g = { t: empty(), c: empty() }));
    const x = isTreated ? g.t : g.c;
    const b = s.sb * scale;
    const a = s.sa * scale;
    x.n++;
    x.sb += b;
    x.sa += a;
    x.ds += a - b;
    x.ds2 += (a - b) ** 2;
  }
  const board = roiFromCells([...cells.values()]);
  const counts = { days, treated, matched: board.matchedTreated, controls: board.controls };
  const e = board.spendFen;
  if (!e) return { status: 'no_comparison', ...counts };
  return { status: 'ok', ...counts, didFen: Math.round(e.did), lowFen: Math.round(e.low), highFen: Math.round(e.high) };
}
