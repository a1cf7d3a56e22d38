/**
 * RFM tiers (recomputed nightly from the order projection, last 365 days). First match wins:
 *   新客        exactly one order, placed within the last 30 days
 *   高价值忠诚  ≥ 4 orders, ≥ ¥500 spent, last order within 30 days
 *   流失预警    last order more than 60 days ago
 *   潜力复购    everyone else with orders (recent, not yet loyal)
 */
export const RFM_TIERS = ['高价值忠诚', '潜力复购', '流失预警', '新客'] as const;
export type RfmTier = (typeof RFM_TIERS)[number];

export const RFM_RULES = {
  windowDays: 365,
  newWithinDays: 30,
  loyalMinOrders: 4,
  loyalMinSpendFen: 50_000,
  loyalWithinDays: 30,
  churnAfterDays: 60,
} as const;

export function rfmTier(o: { frequency: number; monetaryFen: number; recencyDays: number; firstOrderDaysAgo: number }): RfmTier {
  const r = RFM_RULES;
  if (o.frequency === 1 && o.firstOrderDaysAgo <= r.newWithinDays) return '新客';
  if (o.frequency >= r.loyalMinOrders && o.monetaryFen >= r.loyalMinSpendFen && o.recencyDays <= r.loyalWithinDays) return '高价值忠诚';
  if (o.recencyDays > r.churnAfterDays) return '流失预警';
  return '潜力复购';
}
