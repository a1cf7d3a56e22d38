/**
 * The community ROI board: do members who attend a class/event (or take part in a contest) visit
 * and spend more afterwards than similar members who did not? Exact-cell matching (same home
 * store, household kind, RFM tier and spend band in the 3 months before the period start) and a
 * difference in differences:
 *   DiD = Σ_cells w_c · (mean Δ treated_c − mean Δ control_c),  w_c = treated_c / matched treated,
 * Δ = monthly figure in the 3 months after the period start − in the 3 months before.
 * SE² = Σ w_c² (s²_T,c / n_T,c + s²_C,c / n_C,c); the interval is ±1.96 SE. Cells without
 * a control are left out (their treated members are counted as unmatched). The database sums per
 * cell (aggregate.ts); this file turns the sums into the estimate. Pure.
 */

export const WINDOW_DAYS = 90;
/** Spend bands (fen, 3 months before): none, < 300 元, < 1,000 元, more. */
export const SPEND_BANDS = [0, 30_000, 100_000];
/** RFM tier as of the period start: recent = bought in the last 30 days before it … */
export const RECENT_DAYS = 30;
/** … frequent = at least 6 purchases (2 a month) in the 3 months before it. */
export const FREQUENT_VISITS = 6;
/** RFM tiers (0 no purchase in the 3 months, 1 lapsed, 2 recent occasional, 3 recent frequent). */
export const RFM_TIER_LABELS = ['无消费', '沉睡', '近期偶尔', '近期常客'] as const;

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

/** One group of one cell: size and sums over its members of the 3-month totals (visits, spend fen). */
export interface CellStats {
  n: number;
  /** Σ (after − before) and Σ (after − before)² of visits; Σ before, Σ after. */
  dv: number;
  dv2: number;
  vb: number;
  va: number;
  ds: number;
  ds2: number;
  sb: number;
  sa: number;
}

const MONTHS = WINDOW_DAYS / 30;

/** Sample variance from n, Σx, Σx² (0 for fewer than two). */
function variance(count: number, sum: number, sumSq: number): number {
  if (count < 2) return 0;
  return Math.max(0, (sumSq - (sum * sum) / count) / (count - 1));
}

function estimate(cells: Array<{ t: CellStats; c: CellStats }>, pick: (s: CellStats) => { d: number; d2: number; b: number; a: number }): Estimate {
  const treated = cells.reduce((s, x) => s + x.t.n, 0);
  let did = 0;
  let se2 = 0;
  const agg = { tb: 0, ta: 0, cb: 0, ca: 0 };
  for (const { t, c } of cells) {
    const w = t.n / treated;
    const pt = pick(t);
    const pc = pick(c);
    // monthly figures: the 3-month totals / 3 (variances / 9)
    did += (w * (pt.d / t.n - pc.d / c.n)) / MONTHS;
    se2 += (w * w * (variance(t.n, pt.d, pt.d2) / t.n + variance(c.n, pc.d, pc.d2) / c.n)) / (MONTHS * MONTHS);
    agg.tb += (w * pt.b) / t.n / MONTHS;
    agg.ta += (w * pt.a) / t.n / MONTHS;
    agg.cb += (w * pc.b) / c.n / MONTHS;
    agg.ca += (w * pc.a) / c.n / MONTHS;
  }
  const se = Math.sqrt(se2);
  return {
    did,
    low: did - 1.96 * se,
    high: did + 1.96 * se,
    treatedMeanBefore: agg.tb,
    treatedMeanAfter: agg.ta,
    controlMeanBefore: agg.cb,
    controlMeanAfter: agg.ca,
  };
}

/** The board from each cell's treated (t) and control (c) sums. */
export function roiFromCells(cells: Array<{ t?: CellStats; c?: CellStats }>): RoiResult {
  const treated = cells.reduce((s, x) => s + (x.t?.n ?? 0), 0);
  const matched = cells.filter((x): x is { t: CellStats; c: CellStats } => !!x.t?.n && !!x.c?.n);
  const matchedTreated = matched.reduce((s, x) => s + x.t.n, 0);
  const controls = matched.reduce((s, x) => s + x.c.n, 0);
  return {
    treated,
    matchedTreated,
    controls,
    cells: matched.length,
    visits: matchedTreated ? estimate(matched, (s) => ({ d: s.dv, d2: s.dv2, b: s.vb, a: s.va })) : null,
    spendFen: matchedTreated ? estimate(matched, (s) => ({ d: s.ds, d2: s.ds2, b: s.sb, a: s.sa })) : null,
  };
}
