/**
 * What other domains tell the WeCom sidebar about a member, without the sidebar reading their tables:
 * - `@MemberTimeline('source')` marks `(memberId, limit) => Promise<TimelineItem[]>`: the member's
 *   recent events in that domain (newest first, at most `limit`, Chinese text);
 * - `@MemberFacts('source')` marks `(memberId, now) => Promise<Partial<MemberFactSet>>`: the few facts
 *   the next-best-offer rules need. Each domain fills only its own keys.
 * Works like PrivacyRegistry: the marked methods of singleton providers are wired once at start.
 */
import type { ClassType } from '@midwayjs/core';
import { type IMidwayContainer, Provide, Scope, ScopeEnum } from '@midwayjs/core';

export interface TimelineItem {
  at: Date;
  text: string;
  /** Domain-specific kind, e.g. `class_registered`, `contest_vote`; lets the UI pick an icon. */
  kind: string;
}

export type TimelineSource = (memberId: number, limit: number) => Promise<TimelineItem[]>;

/** Behaviour facts for the offer rules, by the domain that owns them. */
export interface MemberFactSet {
  // classes
  /** Confirmed or waitlisted registrations of scheduled sessions that have not started, soonest first. */
  upcomingClasses: Array<{ title: string; startsAt: Date; status: 'confirmed' | 'waitlisted'; waitlistPosition: number | null }>;
  /** The most recent no-show (session start), if any. */
  lastNoShow: { title: string; startsAt: Date } | null;
  // contest
  /** A published contest accepting entries now, and whether the member already has a (non-withdrawn) entry in it. */
  openContest: { title: string; submissionEndAt: Date; hasEntry: boolean } | null;
  // journeys
  lastOrderAt: Date | null;
  /** A journey coupon issued, still valid and not used (the wake-up 回归券). */
  unusedCoupon: { title: string; amountFen: number; minSpendFen: number; validUntil: Date } | null;
  /** Instants the member did something (any domain): the latest tells how long they have been quiet. */
  activeAt: Date[];
  // purchases (issue 11)
  /** Items bought in the last 14 days that carry a category, newest first. */
  recentPurchases: Array<{ name: string; category: string; at: Date }>;
  /** 「新品到店」 current in the stores the member bought in lately (and chain-wide ones). */
  newArrivals: Array<{ title: string; category: string; relatedCategories: string[] }>;
  lastPurchaseAt: Date | null;
  // preorder (issue 14)
  /** Paid pre-orders not picked up whose slot ends within the next days or ended in the last 2 days, soonest slot first. */
  pickups: PickupFact[];
  /** The newest order placed and not paid yet, still inside its payment window. */
  unpaidOrder: { campaign: string; items: string; totalFen: number; expiresAt: Date } | null;
  /** The newest order picked up in the last 7 days: ask how it was. */
  pickedUpOrder: { campaign: string; items: string; pickedUpAt: Date } | null;
  /** A pre-order campaign on sale now (the pre-order offer names it instead of 「即将开放」). */
  openCampaign: { name: string; saleEndsAt: Date } | null;
}

export interface PickupFact {
  campaign: string;
  /** 「佛跳墙×2、四世同堂×1」 */
  items: string;
  storeName: string | null;
  slotStartsAt: Date;
  slotEndsAt: Date;
}

/** A coupon's rule as members read it: 「满50减10」, or 「10元」 without a threshold (fen in, yuan out). */
export function couponRule(c: { amountFen: number; minSpendFen: number }): string {
  const yuan = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2));
  return c.minSpendFen > 0 ? `满${yuan(c.minSpendFen)}减${yuan(c.amountFen)}` : `${yuan(c.amountFen)}元`;
}

export type FactsSource = (memberId: number, now: Date) => Promise<Partial<MemberFactSet>>;

type Marked = { source: string; target: ClassType<object>; method: string };
const timelineMarked: Marked[] = [];
const factsMarked: Marked[] = [];

function mark(list: Marked[], source: string): MethodDecorator {
  return (target, key) => {
    list.push({ source, target: (target as { constructor: Marked['target'] }).constructor, method: String(key) });
  };
}

export function MemberTimeline(source: string): MethodDecorator {
  return mark(timelineMarked, source);
}

export function MemberFacts(source: string): MethodDecorator {
  return mark(factsMarked, source);
}

export const emptyFacts = (): MemberFactSet => ({
  upcomingClasses: [],
  lastNoShow: null,
  openContest: null,
  lastOrderAt: null,
  unusedCoupon: null,
  activeAt: [],
  recentPurchases: [],
  newArrivals: [],
  lastPurchaseAt: null,
  pickups: [],
  unpaidOrder: null,
  pickedUpOrder: null,
  openCampaign: null,
});

@Provide()
@Scope(ScopeEnum.Singleton)
export class TimelineRegistry {
  private readonly timelines = new Map<string, TimelineSource>();
  private readonly facts = new Map<string, FactsSource>();

  registerTimeline(source: string, fn: TimelineSource): void {
    this.timelines.set(source, fn);
  }

  registerFacts(source: string, fn: FactsSource): void {
    this.facts.set(source, fn);
  }

  /** Wire the marked methods (called once at start). */
  async start(container: IMidwayContainer): Promise<void> {
    for (const m of timelineMarked) {
      const instance = (await container.getAsync(m.target)) as Record<string, TimelineSource>;
      this.registerTimeline(m.source, (memberId, limit) => instance[m.method](memberId, limit));
    }
    for (const m of factsMarked) {
      const instance = (await container.getAsync(m.target)) as Record<string, FactsSource>;
      this.registerFacts(m.source, (memberId, now) => instance[m.method](memberId, now));
    }
  }

  sources(): string[] {
    return [...this.timelines.keys()];
  }

  /** Every source's items merged, newest first, at most `limit` (ties keep a stable order by source then text). */
  async timelineOf(memberId: number, limit: number): Promise<TimelineItem[]> {
    const lists = await Promise.all([...this.timelines.values()].map((fn) => fn(memberId, limit)));
    return lists
      .flat()
      .sort((a, b) => b.at.getTime() - a.at.getTime() || a.kind.localeCompare(b.kind) || a.text.localeCompare(b.text))
      .slice(0, limit);
  }

  /** All domains' facts in one set; `activeAt` lists are joined, other keys belong to one domain each. */
  async factsOf(memberId: number, now: Date): Promise<MemberFactSet> {
    const parts = await Promise.all([...this.facts.values()].map((fn) => fn(memberId, now)));
    const out = emptyFacts();
    for (const p of parts) {
      const { activeAt, ...rest } = p;
      Object.assign(out, rest);
      if (activeAt) out.activeAt.push(...activeAt);
    }
    return out;
  }
}
