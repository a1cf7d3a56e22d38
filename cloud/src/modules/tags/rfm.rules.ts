/**
 * RFM tiers, scored per store by quintiles (issue 11). For every member with purchases at a store in
 * the window: recency (days since the last purchase), frequency (purchases, refunds not counted) and
 * monetary value (net fen). Each is scored 1–5 against that store's quintile boundaries (the values
 * at 20/40/60/80 % of its members), so a small neighbourhood store and a big one are each judged
 * against their own customers. Tiers, first match wins (thresholds editable by ops, RfmThresholds):
 *   新客        exactly one purchase, the first within `newWithinDays`
 *   高价值忠诚  R ≥ loyalMinR and F ≥ loyalMinF and M ≥ loyalMinM
 *   流失预警    R ≤ churnMaxR
 *   潜力复购    everyone else with purchases
 * A member's tier is the one at the store where they spent most in the window.
 */
import type { RfmThresholds } from '../../../../contracts/purchases';

export const RFM_TIERS = ['高价值忠诚', '潜力复购', '流失预警', '新客'] as const;
export type RfmTier = (typeof RFM_TIERS)[number];

export const DEFAULT_RFM_THRESHOLDS: RfmThresholds = {
  windowDays: 365,
  loyalMinR: 4,
  loyalMinF: 4,
  loyalMinM: 4,
  churnMaxR: 1,
  newWithinDays: 30,
};

/** Nearest-rank quintile boundaries of `values` (any order): the values at 20, 40, 60 and 80 %. */
export function quintileCuts(values: number[]): number[] {
  if (!values.length) return [];
  const sorted = Float64Array.from(values).sort();
  return [1, 2, 3, 4].map((k) => sorted[Math.max(0, Math.ceil((sorted.length * k) / 5) - 1)]);
}

/** 1–5: how many boundaries the value is above, plus one (higher is better: frequency, money). */
export function scoreHigh(value: number, cuts: number[]): number {
  let n = 1;
  for (const c of cuts) if (value > c) n++;
  return n;
}

/** 1–5 where a smaller value is better (recency in days). */
export function scoreLow(value: number, cuts: number[]): number {
  let n = 5;
  for (const c of cuts) if (value > c) n--;
  return n;
}

export interface RfmRow {
  memberId: number;
  recencyDays: number;
  frequency: number;
  monetaryFen: number;
  firstDaysAgo: number;
}

export interface Scored extends RfmRow {
  r: number;
  f: number;
  m: number;
  tier: RfmTier;
}

export function tierOf(s: { r: number; f: number; m: number; frequency: number; firstDaysAgo: number }, t: RfmThresholds): RfmTier {
  if (s.frequency === 1 && s.firstDaysAgo <= t.newWithinDays) return '新客';
  if (s.r >= t.loyalMinR && s.f >= t.loyalMinF && s.m >= t.loyalMinM) return '高价值忠诚';
  if (s.r <= t.churnMaxR) return '流失预警';
  return '潜力复购';
}

/** Score one store's members against that store's own quintiles. */
export function scoreStore(
  rows: RfmRow[],
  t: RfmThresholds,
): { cuts: { recencyDays: number[]; frequency: number[]; monetaryFen: number[] }; scored: Scored[] } {
  const cuts = {
    recencyDays: quintileCuts(rows.map((r) => r.recencyDays)),
    frequency: quintileCuts(rows.map((r) => r.frequency)),
    monetaryFen: quintileCuts(rows.map((r) => r.monetaryFen)),
  };
  const scored = rows.map((row) => {
    const s = {
      ...row,
      r: scoreLow(row.recencyDays, cuts.recencyDays),
      f: scoreHigh(row.frequency, cuts.frequency),
      m: scoreHigh(row.monetaryFen, cuts.monetaryFen),
    };
    return { ...s, tier: tierOf(s, t) };
  });
  return { cuts, scored };
}
