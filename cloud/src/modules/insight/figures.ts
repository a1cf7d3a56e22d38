/**
 * The dashboard's figure families, their settings and periods. The figures themselves are computed
 * set-based in SQL by aggregate.ts; the written definitions are docs/metrics.md — keep the two in
 * step. Pure: no database, no clock.
 */

import { DRILL_FIGURES } from '../../../../contracts/insight';

export const DAY_MS = 86_400_000;
import { dayKey } from '../../../../contracts/calendar';

export type HouseholdKind = 'with_children' | 'adults';

/** Interaction kinds: the SOP handbook's interactions; `visit` counts as activity, not as interaction. */
export const INTERACTION_KINDS = ['vote', 'entry', 'registration', 'checkin', 'reply'] as const;
export type ActivityKind = (typeof INTERACTION_KINDS)[number] | 'visit' | 'panel' | 'review';
/** Taking part in community life (classes, events, contests). */
export const PARTICIPATION_KINDS: ReadonlySet<ActivityKind> = new Set(['vote', 'entry', 'registration', 'checkin']);
/** Creating: entries, reviews (共创层; members on the advisory panel are 共创层 too, from insight_panel_member). */
export const CREATE_KINDS: ReadonlySet<ActivityKind> = new Set(['entry', 'review', 'panel']);

export interface InsightSettings {
  /** Estimated monthly food spend of one household, fen, by household kind (share of wallet). */
  householdFoodSpendFen: Record<HouseholdKind, number>;
  /** Categories counted as high-margin (熟食, 烘焙 …). */
  highMarginCategories: string[];
  /** Acquisition cost per new WeCom contact, fen, by channel kind. */
  acquisitionCostFen: Record<string, number>;
}

export const DEFAULT_SETTINGS: InsightSettings = {
  householdFoodSpendFen: { with_children: 300_000, adults: 200_000 },
  highMarginCategories: ['熟食', '烘焙', '预制菜'],
  acquisitionCostFen: {},
};

export interface Period {
  from: Date;
  to: Date;
}

export interface ScaleFigures {
  members: number;
  households: number;
  newMembers: number;
  growthRate: number | null;
  penetration: number | null;
}

export interface QualityFigures {
  activeMembers: number;
  dau: number;
  wau: number;
  mau: number;
  interactions: number;
  interactionRate: number | null;
  participants: number;
  participationRate: number | null;
}

export interface ValueFigures {
  netSpendFen: number;
  purchases: number;
  buyers: number;
  repeatRate: number | null;
  avgBasketFen: number | null;
  frequency: number | null;
  ltv12Fen: number | null;
  cacFen: number | null;
  ltvCac: number | null;
  shareOfWallet: number | null;
  highMarginShare: number | null;
}

export interface FlowFigures {
  contactsAdded: number;
  contactsLost: number;
  newMembers: number;
  firstPurchaseConversion: number | null;
  silent30: number;
  silent60: number;
  silent90: number;
  wakeUpRate: number | null;
  kFactor: number | null;
}

export type Ring = 'radiate' | 'interact' | 'create';

export interface RingFigures {
  counts: Record<Ring, number>;
  /** Movement from the previous period's ring to this one's: moves[from][to]. */
  moves: Record<Ring, Record<Ring, number>>;
}

export interface Figures {
  scale: ScaleFigures;
  quality: QualityFigures;
  value: ValueFigures;
  flow: FlowFigures;
  rings: RingFigures;
}

export function previousPeriod(p: Period): Period {
  const len = p.to.getTime() - p.from.getTime();
  return { from: new Date(p.from.getTime() - len), to: p.from };
}

/** The members behind a figure (drill-down → segment): the list lives in the contract. */
export { DRILL_FIGURES };
export type DrillFigure = (typeof DRILL_FIGURES)[number];

export interface DayPoint {
  day: string;
  active: number;
  newMembers: number;
  spendFen: number;
}

/** Shanghai day (YYYY-MM-DD) of an instant. */
export const shanghaiDay: (t: Date) => string = dayKey;
