/**
 * Insight's public face for other modules' reports: the spend uplift of one event's attendees
 * (community's kit report asks it for each kit adopted as a class). Reads insight's own read
 * models (members, purchases, activities) for the store's members and the attendees in the
 * window; the figure is the pure attendeeUplift (uplift.ts). Results are kept for ten minutes.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { DAY_MS } from './figures';
import { InsightActivity, InsightMember, InsightPurchase } from './entities/insight.entity';
import { WINDOW_DAYS } from './roi';
import { attendeeUplift, type FactActivity, type UpliftResult } from './uplift';

export type { UpliftResult } from './uplift';

const FRESH_MS = 10 * 60_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightUplift {
  @Inject()
  db!: Db;

  private cache = new Map<string, { at: number; r: UpliftResult }>();

  /** Monthly spend change per attendee against comparable members of `storeId` who took part in nothing. */
  async spendUplift(q: { key: string; memberIds: number[]; at: Date; storeId: number }, now = new Date()): Promise<UpliftResult> {
    const k = `${q.key}|${q.memberIds.length}|${q.at.getTime()}`;
    const hit = this.cache.get(k);
    if (hit && now.getTime() - hit.at < FRESH_MS) return hit.r;
    const r = await this.compute(q, now);
    if (this.cache.size > 2000) this.cache.clear();
    this.cache.set(k, { at: now.getTime(), r });
    return r;
  }

  private async compute(q: { memberIds: number[]; at: Date; storeId: number }, now: Date): Promise<UpliftResult> {
    const treated = new Set(q.memberIds);
    const days = Math.min(WINDOW_DAYS, Math.floor((now.getTime() - q.at.getTime()) / DAY_MS));
    // nothing to read when there is nothing to compare
    const quick = attendeeUplift([], [], [], treated, q.at, now);
    if (quick.status === 'no_attendees' || quick.status === 'too_early') return quick;
    const em = this.db.manager;
    const from = new Date(q.at.getTime() - days * DAY_MS);
    const to = new Date(q.at.getTime() + days * DAY_MS);
    const population = await em
      .createQueryBuilder(InsightMember, 'm')
      .where('m.store_id = :sid', { sid: q.storeId })
      .orWhere(treated.size ? 'm.member_id IN (:...ids)' : '1 = 0', { ids: [...treated] })
      .getMany();
    const ids = population.map((m) => m.memberId);
    const purchases: InsightPurchase[] = [];
    const activities: InsightActivity[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const part = ids.slice(i, i + 1000);
      purchases.push(
        ...(await em
          .createQueryBuilder(InsightPurchase, 'p')
          .where({ memberId: In(part) })
          .andWhere('p.occurred_at >= :f AND p.occurred_at < :t', { f: from, t: to })
          .getMany()),
      );
      activities.push(
        ...(await em
          .createQueryBuilder(InsightActivity, 'a')
          .where({ memberId: In(part) })
          .andWhere('a.at >= :f AND a.at < :t', { f: from, t: to })
          .getMany()),
      );
    }
    return attendeeUplift(
      population.map((m) => ({ id: m.memberId, storeId: m.storeId, householdId: m.householdId, householdKind: m.householdKind, registeredAt: m.registeredAt })),
      purchases.map((b) => ({ memberId: b.memberId, storeId: b.storeId, totalFen: b.totalFen, occurredAt: b.occurredAt, categories: {} })),
      activities.map((a) => ({ memberId: a.memberId, kind: a.kind as FactActivity['kind'], at: a.at })),
      treated,
      q.at,
      now,
    );
  }
}
