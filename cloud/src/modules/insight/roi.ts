/**
 * The community ROI board: do members who attend a class/event (or take part in a contest) visit
 * and spend more afterwards than similar members who did not? Exact-cell matching (same store,
 * household kind, spend band in the 3 months before) and a difference in differences:
 *   DiD = Σ_cells w_c · (mean Δ treated_c − mean Δ control_c),  w_c = treated_c / treated,
 * Δ = monthly figure in the 3 months after the period start − in the 3 months before.
 * SE² = Σ w_c² (s²_T,c / n_T,c + s²_C,c / n_C,c); the interval is ±1.96 SE. Cells without
 * a control are left out (their treated members are counted as unmatched). Pure.
 */
import { DAY_MS, type FactActivity, type FactMember, type FactPurchase, type Period } from './figures';

export const WINDOW_DAYS = 90;
/** Spend bands (fen, 3 months before): none, < 300 元, < 1,000 元, more. */
export const SPEND_BANDS = [0, 30_000, 100_000];

export function spendBand(fen: number): number {
  if (fen <= 0) return 0;
  let band = 1;
  for (let i = 1; i < SPEND_BANDS.length; i++) if (fen >= SPEND_BANDS[i]) band = i + 1;
  return band;
}

export interface Estimate {
  did: number;
  low: number;
  high: number;
  treatedMeanBefore: number;
  treatedMeanAfter: number;
  controlMeanBefore: number;
  controlMeanAfter: number;
}

export interface RoiResult {
  treated: number;
  matchedTreated: number;
  controls: number;
  cells: number;
  visits: Estimate | null;
  spendFen: Estimate | null;
}

interface Unit {
  cell: string;
  visitsBefore: number;
  visitsAfter: number;
  spendBefore: number;
  spendAfter: number;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

/** The weighted difference in differences over matched cells (also used by uplift.ts). */
export function estimate(cells: Map<string, { t: Unit[]; c: Unit[] }>, pick: (u: Unit) => [number, number]): Estimate {
  let treated = 0;
  for (const { t } of cells.values()) treated += t.length;
  let did = 0;
  let se2 = 0;
  const agg = { tb: 0, ta: 0, cb: 0, ca: 0 };
  for (const { t, c } of cells.values()) {
    const w = t.length / treated;
    const dt = t.map((u) => pick(u)[1] - pick(u)[0]);
    const dc = c.map((u) => pick(u)[1] - pick(u)[0]);
    did += w * (mean(dt) - mean(dc));
    se2 += w * w * (variance(dt) / t.length + variance(dc) / c.length);
    agg.tb += w * mean(t.map((u) => pick(u)[0]));
    agg.ta += w * mean(t.map((u) => pick(u)[1]));
    agg.cb += w * mean(c.map((u) => pick(u)[0]));
    agg.ca += w * mean(c.map((u) => pick(u)[1]));
  }
  const se = Math.sqrt(se2);
  return { did, low: did - 1.96 * se, high: did + 1.96 * se, treatedMeanBefore: agg.tb, treatedMeanAfter: agg.ta, controlMeanBefore: agg.cb, controlMeanAfter: agg.ca };
}

/**
 * Treated: members with an activity of `kinds` in the period. Controls: members with no such
 * activity in the 3 months before through the 3 months after the period start.
 */
export function communityRoi(members: FactMember[], purchases: FactPurchase[], activities: FactActivity[], p: Period, kinds: ReadonlySet<string>): RoiResult {
  const anchor = p.from.getTime();
  const before = anchor - WINDOW_DAYS * DAY_MS;
  const after = anchor + WINDOW_DAYS * DAY_MS;
  const treatedIds = new Set<number>();
  const touched = new Set<number>();
  for (const a of activities) {
    if (!kinds.has(a.kind)) continue;
    const t = a.at.getTime();
    if (t >= p.from.getTime() && t < p.to.getTime()) treatedIds.add(a.memberId);
    if (t >= before && t < after) touched.add(a.memberId);
  }
  const sums = new Map<number, { vb: number; va: number; sb: number; sa: number }>();
  for (const b of purchases) {
    const t = b.occurredAt.getTime();
    if (t < before || t >= after) continue;
    let s = sums.get(b.memberId);
    if (!s) sums.set(b.memberId, (s = { vb: 0, va: 0, sb: 0, sa: 0 }));
    const isBefore = t < anchor;
    if (b.totalFen > 0) isBefore ? s.vb++ : s.va++;
    isBefore ? (s.sb += b.totalFen) : (s.sa += b.totalFen);
  }
  const months = WINDOW_DAYS / 30;
  const cells = new Map<string, { t: Unit[]; c: Unit[] }>();
  for (const m of members) {
    if (m.registeredAt.getTime() >= before) continue; // needs a full "before" window
    const isTreated = treatedIds.has(m.id);
    if (!isTreated && touched.has(m.id)) continue;
    const s = sums.get(m.id) ?? { vb: 0, va: 0, sb: 0, sa: 0 };
    const cell = `${m.storeId ?? 0}|${m.householdKind ?? 'none'}|${spendBand(s.sb)}`;
    let g = cells.get(cell);
    if (!g) cells.set(cell, (g = { t: [], c: [] }));
    (isTreated ? g.t : g.c).push({ cell, visitsBefore: s.vb / months, visitsAfter: s.va / months, spendBefore: s.sb / months, spendAfter: s.sa / months });
  }
  let treated = 0;
  for (const g of cells.values()) treated += g.t.length;
  const matched = new Map([...cells].filter(([, g]) => g.t.length > 0 && g.c.length > 0));
  let matchedTreated = 0;
  let controls = 0;
  for (const g of matched.values()) {
    matchedTreated += g.t.length;
    controls += g.c.length;
  }
  return {
    treated,
    matchedTreated,
    controls,
    cells: matched.size,
    visits: matchedTreated ? estimate(matched, (u) => [u.visitsBefore, u.visitsAfter]) : null,
    spendFen: matchedTreated ? estimate(matched, (u) => [u.spendBefore, u.spendAfter]) : null,
  };
}
