/**
 * Every dashboard figure, computed from the read-model rows of one scope (chain, a store, a group
 * owner's members) for a period [from, to). One function per figure family; the written
 * definitions are docs/metrics.md — keep the two in step. Pure: no database, no clock.
 */

export const DAY_MS = 86_400_000;
import { dayKey } from '../../../../contracts/calendar';

export type HouseholdKind = 'with_children' | 'adults';

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
  /** Line amounts per category (fen); only for sales, not refunds. */
  categories: Record<string, number>;
}

/** Interaction kinds: the SOP handbook's interactions; `visit` counts as activity, not as interaction. */
export const INTERACTION_KINDS = ['vote', 'entry', 'registration', 'checkin', 'reply'] as const;
export type ActivityKind = (typeof INTERACTION_KINDS)[number] | 'visit' | 'panel' | 'review';
/** Taking part in community life (classes, events, contests). */
export const PARTICIPATION_KINDS: ReadonlySet<ActivityKind> = new Set(['vote', 'entry', 'registration', 'checkin']);
/** Creating: entries, reviews, the advisory panel (共创层). */
export const CREATE_KINDS: ReadonlySet<ActivityKind> = new Set(['entry', 'review', 'panel']);

export interface FactActivity {
  memberId: number;
  kind: ActivityKind;
  at: Date;
}

export interface FactContact {
  kind: 'added' | 'lost';
  at: Date;
  channelKind: string | null;
  referral: boolean;
}

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

export interface ScopeFacts {
  members: FactMember[];
  purchases: FactPurchase[];
  activities: FactActivity[];
  contacts: FactContact[];
  /** Σ target households (within the store's radius) of the stores in scope; null = not set. */
  targetHouseholds: number | null;
}

export interface Period {
  from: Date;
  to: Date;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
const inRange = (t: Date, from: Date, to: Date) => t.getTime() >= from.getTime() && t.getTime() < to.getTime();

export interface ScaleFigures {
  members: number;
  households: number;
  newMembers: number;
  growthRate: number | null;
  penetration: number | null;
}

export function scale(f: ScopeFacts, p: Period): ScaleFigures {
  const now = f.members.filter((m) => m.registeredAt < p.to);
  const before = now.filter((m) => m.registeredAt < p.from).length;
  const households = new Set(now.filter((m) => m.householdId !== null).map((m) => m.householdId)).size;
  const newMembers = now.length - before;
  return {
    members: now.length,
    households,
    newMembers,
    growthRate: ratio(newMembers, before),
    penetration: f.targetHouseholds ? households / f.targetHouseholds : null,
  };
}

/** Members active on a day/in a window: any recorded interaction, visit or purchase. */
function activeIn(f: ScopeFacts, from: Date, to: Date): Set<number> {
  const s = new Set<number>();
  for (const a of f.activities) if (inRange(a.at, from, to)) s.add(a.memberId);
  for (const b of f.purchases) if (inRange(b.occurredAt, from, to)) s.add(b.memberId);
  return s;
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

export function quality(f: ScopeFacts, p: Period): QualityFigures {
  const days = Math.max(1, Math.round((p.to.getTime() - p.from.getTime()) / DAY_MS));
  const perDay = new Map<number, Set<number>>();
  const mark = (t: Date, id: number) => {
    if (!inRange(t, p.from, p.to)) return;
    const d = Math.floor((t.getTime() - p.from.getTime()) / DAY_MS);
    let s = perDay.get(d);
    if (!s) perDay.set(d, (s = new Set()));
    s.add(id);
  };
  for (const a of f.activities) mark(a.at, a.memberId);
  for (const b of f.purchases) mark(b.occurredAt, b.memberId);
  let dayTotal = 0;
  for (const s of perDay.values()) dayTotal += s.size;
  const active = activeIn(f, p.from, p.to);
  const interactions = f.activities.filter((a) => (INTERACTION_KINDS as readonly string[]).includes(a.kind) && inRange(a.at, p.from, p.to)).length;
  const participants = new Set(f.activities.filter((a) => PARTICIPATION_KINDS.has(a.kind) && inRange(a.at, p.from, p.to)).map((a) => a.memberId)).size;
  const members = f.members.filter((m) => m.registeredAt < p.to).length;
  return {
    activeMembers: active.size,
    dau: dayTotal / days,
    wau: activeIn(f, new Date(p.to.getTime() - 7 * DAY_MS), p.to).size,
    mau: activeIn(f, new Date(p.to.getTime() - 30 * DAY_MS), p.to).size,
    interactions,
    interactionRate: ratio(interactions, active.size),
    participants,
    participationRate: ratio(participants, members),
  };
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

export function value(f: ScopeFacts, p: Period, settings: InsightSettings): ValueFigures {
  let net = 0;
  let sales = 0;
  let gross = 0;
  let high = 0;
  const per = new Map<number, number>();
  const high_ = new Set(settings.highMarginCategories);
  for (const b of f.purchases) {
    if (!inRange(b.occurredAt, p.from, p.to)) continue;
    net += b.totalFen;
    if (b.totalFen > 0) {
      sales++;
      per.set(b.memberId, (per.get(b.memberId) ?? 0) + 1);
      for (const [cat, fen] of Object.entries(b.categories)) {
        gross += fen;
        if (high_.has(cat)) high += fen;
      }
    }
  }
  const buyers = per.size;
  const repeaters = [...per.values()].filter((n) => n >= 2).length;
  // LTV: net spend per member over the 12 months up to the period's end
  const yearFrom = new Date(p.to.getTime() - 365 * DAY_MS);
  const yearSpend = f.purchases.filter((b) => inRange(b.occurredAt, yearFrom, p.to)).reduce((s, b) => s + b.totalFen, 0);
  const members = f.members.filter((m) => m.registeredAt < p.to);
  const ltv12 = members.length ? Math.round(yearSpend / members.length) : null;
  // CAC: cost of the period's new contacts per channel (as ops priced them) / those contacts
  let cost = 0;
  let priced = 0;
  for (const c of f.contacts) {
    if (c.kind !== 'added' || !inRange(c.at, p.from, p.to) || !c.channelKind) continue;
    const unit = settings.acquisitionCostFen[c.channelKind];
    if (unit === undefined) continue;
    cost += unit;
    priced++;
  }
  const cac = priced ? Math.round(cost / priced) : null;
  // share of wallet: households' recorded spend / their estimated food spend over the period
  const months = (p.to.getTime() - p.from.getTime()) / (30 * DAY_MS);
  const households = new Map<number, HouseholdKind>();
  for (const m of members) if (m.householdId !== null) households.set(m.householdId, m.householdKind ?? 'adults');
  const householdOf = new Map(members.map((m) => [m.id, m.householdId]));
  let householdSpend = 0;
  for (const b of f.purchases) if (inRange(b.occurredAt, p.from, p.to) && householdOf.get(b.memberId) != null) householdSpend += b.totalFen;
  let estimate = 0;
  for (const kind of households.values()) estimate += settings.householdFoodSpendFen[kind] * months;
  return {
    netSpendFen: net,
    purchases: sales,
    buyers,
    repeatRate: ratio(repeaters, buyers),
    avgBasketFen: sales ? Math.round(net / sales) : null,
    frequency: ratio(sales, buyers),
    ltv12Fen: ltv12,
    cacFen: cac,
    ltvCac: ltv12 !== null && cac ? ltv12 / cac : null,
    shareOfWallet: ratio(householdSpend, estimate),
    highMarginShare: ratio(high, gross),
  };
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

/** Members registered at least `days` before `at` with no activity or purchase in the `days` before it. */
export function silentMembers(f: ScopeFacts, at: Date, days: number): number[] {
  const from = new Date(at.getTime() - days * DAY_MS);
  const active = activeIn(f, from, at);
  return f.members.filter((m) => m.registeredAt < from && !active.has(m.id)).map((m) => m.id);
}

export function flow(f: ScopeFacts, p: Period): FlowFigures {
  const added = f.contacts.filter((c) => c.kind === 'added' && inRange(c.at, p.from, p.to));
  const fresh = f.members.filter((m) => inRange(m.registeredAt, p.from, p.to));
  const buyers = new Set(f.purchases.filter((b) => b.totalFen > 0 && b.occurredAt < p.to).map((b) => b.memberId));
  const sleepers = silentMembers(f, p.from, 30);
  const activeNow = activeIn(f, p.from, p.to);
  const before = f.members.filter((m) => m.registeredAt < p.from).length;
  return {
    contactsAdded: added.length,
    contactsLost: f.contacts.filter((c) => c.kind === 'lost' && inRange(c.at, p.from, p.to)).length,
    newMembers: fresh.length,
    firstPurchaseConversion: ratio(fresh.filter((m) => buyers.has(m.id)).length, fresh.length),
    silent30: silentMembers(f, p.to, 30).length,
    silent60: silentMembers(f, p.to, 60).length,
    silent90: silentMembers(f, p.to, 90).length,
    wakeUpRate: ratio(sleepers.filter((id) => activeNow.has(id)).length, sleepers.length),
    kFactor: ratio(added.filter((c) => c.referral).length, before),
  };
}

export type Ring = 'radiate' | 'interact' | 'create';

/** 辐射层 (only registered) / 互动层 (takes part: votes, registrations, check-ins, replies) / 共创层 (creates: entries, reviews, panel). */
export function rings(f: ScopeFacts, p: Period): Map<number, Ring> {
  const out = new Map<number, Ring>();
  for (const m of f.members) if (m.registeredAt < p.to) out.set(m.id, 'radiate');
  for (const a of f.activities) {
    if (!inRange(a.at, p.from, p.to) || !out.has(a.memberId)) continue;
    if (CREATE_KINDS.has(a.kind)) out.set(a.memberId, 'create');
    else if (a.kind !== 'visit' && out.get(a.memberId) === 'radiate') out.set(a.memberId, 'interact');
  }
  return out;
}

export interface RingFigures {
  counts: Record<Ring, number>;
  /** Movement from the previous period's ring to this one's: moves[from][to]. */
  moves: Record<Ring, Record<Ring, number>>;
}

export function ringFigures(f: ScopeFacts, p: Period, prev: Period): RingFigures {
  const now = rings(f, p);
  const before = rings(f, prev);
  const zero = (): Record<Ring, number> => ({ radiate: 0, interact: 0, create: 0 });
  const counts = zero();
  const moves = { radiate: zero(), interact: zero(), create: zero() };
  for (const [id, r] of now) {
    counts[r]++;
    const b = before.get(id);
    if (b) moves[b][r]++;
  }
  return { counts, moves };
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

export function computeFigures(f: ScopeFacts, p: Period, settings: InsightSettings): Figures {
  return { scale: scale(f, p), quality: quality(f, p), value: value(f, p, settings), flow: flow(f, p), rings: ringFigures(f, p, previousPeriod(p)) };
}

/** The members behind a figure (drill-down → segment). */
export const DRILL_FIGURES = ['members', 'new_members', 'active', 'participants', 'buyers', 'repeaters', 'silent30', 'silent60', 'silent90', 'ring_radiate', 'ring_interact', 'ring_create'] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];

export function drillDown(f: ScopeFacts, p: Period, figure: DrillFigure): number[] {
  const registered = f.members.filter((m) => m.registeredAt < p.to);
  switch (figure) {
    case 'members':
      return registered.map((m) => m.id);
    case 'new_members':
      return registered.filter((m) => m.registeredAt >= p.from).map((m) => m.id);
    case 'active':
      return [...activeIn(f, p.from, p.to)];
    case 'participants':
      return [...new Set(f.activities.filter((a) => PARTICIPATION_KINDS.has(a.kind) && inRange(a.at, p.from, p.to)).map((a) => a.memberId))];
    case 'buyers':
    case 'repeaters': {
      const per = new Map<number, number>();
      for (const b of f.purchases) if (b.totalFen > 0 && inRange(b.occurredAt, p.from, p.to)) per.set(b.memberId, (per.get(b.memberId) ?? 0) + 1);
      return [...per].filter(([, n]) => figure === 'buyers' || n >= 2).map(([id]) => id);
    }
    case 'silent30':
      return silentMembers(f, p.to, 30);
    case 'silent60':
      return silentMembers(f, p.to, 60);
    case 'silent90':
      return silentMembers(f, p.to, 90);
    default: {
      const ring = figure.slice(5) as Ring;
      return [...rings(f, p)].filter(([, r]) => r === ring).map(([id]) => id);
    }
  }
}

export interface DayPoint {
  day: string;
  active: number;
  newMembers: number;
  spendFen: number;
}

/** Shanghai day (YYYY-MM-DD) of an instant. */
export const shanghaiDay: (t: Date) => string = dayKey;

/** One point per Shanghai day of the period: distinct active members, new members, net spend. */
export function dailySeries(f: ScopeFacts, p: Period): DayPoint[] {
  const days = Math.max(1, Math.round((p.to.getTime() - p.from.getTime()) / DAY_MS));
  const pts = Array.from({ length: days }, (_, i) => ({ day: shanghaiDay(new Date(p.from.getTime() + i * DAY_MS)), active: new Set<number>(), newMembers: 0, spendFen: 0 }));
  const slot = (t: Date) => (inRange(t, p.from, p.to) ? pts[Math.floor((t.getTime() - p.from.getTime()) / DAY_MS)] : undefined);
  for (const a of f.activities) slot(a.at)?.active.add(a.memberId);
  for (const b of f.purchases) {
    const s = slot(b.occurredAt);
    if (!s) continue;
    s.active.add(b.memberId);
    s.spendFen += b.totalFen;
  }
  for (const m of f.members) {
    const s = slot(m.registeredAt);
    if (s) s.newMembers++;
  }
  return pts.map((x) => ({ day: x.day, active: x.active.size, newMembers: x.newMembers, spendFen: x.spendFen }));
}
