/**
 * RFM tiers from the order projection: OrderPaid events fill rfm_order (once per order); the
 * nightly job aggregates the last 365 days in SQL, applies the rules (rfm.rules.ts), stores each
 * member's tier and pushes changes to the member's WeCom contacts with mark_tag (old tier removed,
 * new tier added). Tiers are exclusive, so they live here rather than in the additive tag store.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import { Db, dbDate, isUniqueViolation } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { WecomDirectory } from '../wecom/directory.service';
import { shanghaiDateKey } from '../wecom/shanghai-time';
import '../journeys/events';
import { MemberRfm, RfmOrder } from './rfm-order.entity';
import { RFM_RULES, RFM_TIERS, rfmTier, type RfmTier } from './rfm.rules';
import { TagSyncService } from './tag-sync.service';

const DAY = 86_400_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class RfmService {
  @Inject()
  db!: Db;

  @Inject()
  tagSync!: TagSyncService;

  @Inject()
  directory!: WecomDirectory;

  @OnEvent('OrderPaid')
  async onOrderPaid(event: DeliveredEvent<'OrderPaid'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p || typeof p.orderId !== 'string' || !Number.isInteger(p.memberId)) return;
    try {
      await em.insert(RfmOrder, { orderId: p.orderId.slice(0, 64), memberId: p.memberId, amountFen: Math.max(0, Math.round(p.amountFen)), paidAt: new Date(p.paidAt) });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // the same order announced twice
    }
  }

  async tierOf(memberId: number): Promise<RfmTier | null> {
    const r = await this.db.manager.findOne(MemberRfm, { where: { memberId } });
    return (r?.tier as RfmTier) ?? null;
  }

  /** Nightly: recompute every member with orders in the window; returns how many changed tier. */
  async recompute(now: Date): Promise<{ members: number; changed: number }> {
    const since = new Date(now.getTime() - RFM_RULES.windowDays * DAY);
    const rows: Array<{ memberId: number; f: string | number; m: string | number; last: Date | string; first: Date | string }> = await this.db.manager
      .createQueryBuilder(RfmOrder, 'o')
      .select('o.member_id', 'memberId')
      .addSelect('COUNT(*)', 'f')
      .addSelect('SUM(o.amount_fen)', 'm')
      .addSelect('MAX(o.paid_at)', 'last')
      .addSelect('MIN(o.paid_at)', 'first')
      .where('o.paid_at >= :since AND o.paid_at <= :now', { since, now })
      .groupBy('o.member_id')
      .getRawMany();
    let changed = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const ids = chunk.map((r) => Number(r.memberId));
      const current = new Map((await this.db.manager.find(MemberRfm, { where: { memberId: In(ids) } })).map((r) => [r.memberId, r]));
      const moves: Array<{ memberId: number; from: string | null; to: RfmTier }> = [];
      await this.db.transaction(async (em) => {
        for (const r of chunk) {
          const memberId = Number(r.memberId);
          const values = {
            frequency: Number(r.f),
            monetaryFen: Number(r.m),
            recencyDays: Math.floor((now.getTime() - dbDate(r.last).getTime()) / DAY),
          };
          const tier = rfmTier({ ...values, firstOrderDaysAgo: Math.floor((now.getTime() - dbDate(r.first).getTime()) / DAY) });
          const old = current.get(memberId);
          if (!old) {
            await em.insert(MemberRfm, { memberId, tier, ...values, computedAt: now, changedAt: now });
            moves.push({ memberId, from: null, to: tier });
          } else if (old.tier !== tier) {
            await em.update(MemberRfm, { memberId }, { tier, ...values, computedAt: now, changedAt: now });
            moves.push({ memberId, from: old.tier, to: tier });
          } else {
            await em.update(MemberRfm, { memberId }, { ...values, computedAt: now });
          }
        }
        if (!moves.length) return;
        const contacts = await this.directory.contactsOfMembers(moves.map((m) => m.memberId));
        const move = new Map(moves.map((m) => [m.memberId, m]));
        const day = shanghaiDateKey(now);
        for (const c of contacts) {
          const m = move.get(c.memberId)!;
          // remove every other tier (an earlier push may have been missed), add the current one
          await this.tagSync.tagContact(em, {
            userId: c.userId,
            externalUserId: c.externalUserId,
            add: [m.to],
            remove: RFM_TIERS.filter((t) => t !== m.to),
            source: 'rfm',
            key: `rfm:${c.memberId}:${m.to}:${day}`,
          });
        }
      });
      changed += moves.length;
    }
    return { members: rows.length, changed };
  }
}
