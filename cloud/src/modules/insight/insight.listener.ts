/**
 * Other modules' events → insight's read models. Each handler runs in the event's delivery
 * transaction (once per event) and every row is keyed by its moment besides, so a redelivery or a
 * replay adds nothing. A/B conversions are attributed here too (reply / visit / purchase goals, and
 * the redemption of a journey coupon under a coupon test).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../classes/events';
import '../community/events';
import '../contest/events';
import '../purchases/events';
import '../wecom/events';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import '../journeys/events';
import { AbTestService } from './ab.service';
import {
  InsightActivity,
  InsightContact,
  InsightMember,
  InsightPanelMember,
  InsightPurchase,
  InsightSegmentMember,
  AbAssignment,
} from './entities/insight.entity';

const when = (s: string | undefined, fallback: Date) => {
  const d = s ? new Date(s) : fallback;
  return Number.isNaN(d.getTime()) ? fallback : d;
};

/** Insert unless the key exists (savepoint-free: the unique key decides). */
async function insertOnce(em: EntityManager, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightListener {
  @Inject()
  ab!: AbTestService;

  private async activity(em: EntityManager, sourceKey: string, memberId: number, kind: string, at: Date): Promise<void> {
    const exists = await em.findOne(InsightActivity, { where: { sourceKey }, select: { id: true } });
    if (exists) return;
    await insertOnce(em, () => em.insert(InsightActivity, { sourceKey: sourceKey.slice(0, 80), memberId, kind, at }));
  }

  /** Set-based: a crowd's members in one multi-row INSERT keyed by member (the first event of a member wins, as one by one). */
  @OnEvent('MemberRegistered', { batch: true })
  async registered(events: Array<DeliveredEvent<'MemberRegistered'>>, em: EntityManager): Promise<void> {
    const rows = new Map<number, BulkValue[]>();
    // household and group owner arrive with the roster sync (identity's public read)
    for (const e of events)
      if (!rows.has(e.payload.memberId)) rows.set(e.payload.memberId, [e.payload.memberId, e.payload.storeId, null, null, null, e.createdAt]);
    if (rows.size)
      await bulkInsert(
        em,
        'insight_member',
        ['member_id', 'store_id', 'household_id', 'household_kind', 'owner_staff_id', 'registered_at'],
        [...rows.values()],
        {
          ignoreDuplicate: 'member_id',
          chunk: 500,
        },
      );
  }

  @OnEvent('MemberDeleted')
  async deleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const memberId = event.payload.memberId;
    await em.delete(InsightMember, { memberId });
    await em.delete(InsightPurchase, { memberId });
    await em.delete(InsightActivity, { memberId });
    await em.delete(AbAssignment, { memberId });
    await em.delete(InsightSegmentMember, { memberId });
    await em.delete(InsightPanelMember, { memberId });
    await em.update(InsightContact, { memberId }, { memberId: null });
  }

  /** Set-based: a batch's receipts in one multi-row INSERT (keyed by receipt id); A/B purchase goals convert per receipt as before. */
  @OnEvent('PurchaseRecorded', { batch: true })
  async purchased(events: Array<DeliveredEvent<'PurchaseRecorded'>>, em: EntityManager): Promise<void> {
    const rows: BulkValue[][] = [];
    const conversions: Array<{ memberId: number; at: Date }> = [];
    for (const event of events) {
      const p = event.payload;
      if (p.memberId === null) continue;
      const at = when(p.occurredAt, event.createdAt);
      const categories: Record<string, number> = {};
      if (p.totalFen > 0) for (const i of p.items) categories[i.category ?? '其他'] = (categories[i.category ?? '其他'] ?? 0) + i.amountFen;
      // a long category list keeps its 12 largest (the column holds 500 characters); lines sum what is kept
      let kept = categories;
      if (JSON.stringify(categories).length > 500)
        kept = Object.fromEntries(
          Object.entries(categories)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 12),
        );
      const json = JSON.stringify(kept);
      const linesFen = Object.values(kept).reduce((sum, fen) => sum + fen, 0);
      rows.push([p.receiptId, p.memberId, p.storeId, p.totalFen, json, linesFen, at]);
      if (p.totalFen > 0) conversions.push({ memberId: p.memberId, at });
    }
    if (rows.length)
      await bulkInsert(em, 'insight_purchase', ['receipt_id', 'member_id', 'store_id', 'total_fen', 'categories', 'lines_fen', 'occurred_at'], rows, {
        ignoreDuplicate: 'receipt_id',
        chunk: 500,
      });
    for (const c of conversions) await this.ab.convert(em, c.memberId, 'purchase', c.at);
  }

  /** A journey coupon redeemed: the redemption goal of a coupon A/B test on the step that issued it. */
  @OnEvent('CouponRedeemed')
  async couponRedeemed(event: DeliveredEvent<'CouponRedeemed'>, em: EntityManager): Promise<void> {
    await this.ab.convertRedeemed(em, event.payload, when(event.payload.at, event.createdAt));
  }

  @OnEvent('PurchasesVoided')
  async voided(event: DeliveredEvent<'PurchasesVoided'>, em: EntityManager): Promise<void> {
    const ids = event.payload.receiptIds;
    for (let i = 0; i < ids.length; i += 500)
      await em
        .createQueryBuilder()
        .delete()
        .from(InsightPurchase)
        .whereInIds(ids.slice(i, i + 500))
        .execute();
  }

  @OnEvent('MemberArrived')
  async arrived(event: DeliveredEvent<'MemberArrived'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const at = when(p.at, event.createdAt);
    await this.activity(em, `visit:${event.id}`, p.memberId, 'visit', at);
    await this.ab.convert(em, p.memberId, 'visit', at);
  }

  /** A reply to staff in WeCom: an interaction of the member, and the reply goal of their A/B tests. */
  @OnEvent('CustomerReplied')
  async replied(event: DeliveredEvent<'CustomerReplied'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.memberId === null) return; // a contact not bound to a member: no member figure to count it in
    const at = when(p.at, event.createdAt);
    await this.activity(em, `reply:${event.id}`, p.memberId, 'reply', at);
    await this.ab.convert(em, p.memberId, 'reply', at);
  }

  /** Set-based: a batch's registrations in one multi-row INSERT keyed by registration (a redelivery adds nothing). */
  @OnEvent('ClassRegistered', { batch: true })
  async classRegistered(events: Array<DeliveredEvent<'ClassRegistered'>>, em: EntityManager): Promise<void> {
    const rows = new Map<string, BulkValue[]>();
    for (const e of events) {
      const sourceKey = `classreg:${e.payload.registrationId}`.slice(0, 80);
      if (!rows.has(sourceKey)) rows.set(sourceKey, [sourceKey, e.payload.memberId, 'registration', e.createdAt]);
    }
    if (rows.size)
      await bulkInsert(em, 'insight_activity', ['source_key', 'member_id', 'kind', 'at'], [...rows.values()], { ignoreDuplicate: 'source_key', chunk: 500 });
  }

  @OnEvent('ClassCheckedIn')
  async checkedIn(event: DeliveredEvent<'ClassCheckedIn'>, em: EntityManager): Promise<void> {
    await this.activity(em, `checkin:${event.payload.registrationId}`, event.payload.memberId, 'checkin', event.createdAt);
  }

  @OnEvent('ClassRated')
  async rated(event: DeliveredEvent<'ClassRated'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.comment) await this.activity(em, `review:${p.registrationId}`, p.memberId, 'review', when(p.ratedAt, event.createdAt));
  }

  @OnEvent('ContestVoted')
  async voted(event: DeliveredEvent<'ContestVoted'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.activity(em, `vote:${p.contestId}:${p.memberId}:${p.day}`, p.memberId, 'vote', event.createdAt);
  }

  @OnEvent('EntryApproved')
  async entry(event: DeliveredEvent<'EntryApproved'>, em: EntityManager): Promise<void> {
    await this.activity(em, `entry:${event.payload.entryId}`, event.payload.memberId, 'entry', event.createdAt);
  }

  /** On the customer advisory panel (顾客顾问团): 共创层 from the day they joined (the first join counts). */
  @OnEvent('AdvisoryPanelJoined')
  async panelJoined(event: DeliveredEvent<'AdvisoryPanelJoined'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (await em.findOne(InsightPanelMember, { where: { memberId: p.memberId }, select: { memberId: true } })) return;
    await insertOnce(em, () => em.insert(InsightPanelMember, { memberId: p.memberId, joinedAt: when(p.at, event.createdAt) }));
  }

  @OnEvent('ContactAdded')
  async contactAdded(event: DeliveredEvent<'ContactAdded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const sourceKey = `add:${p.externalUserId}:${p.staffUserId}:${p.addedAt}`.slice(0, 160);
    if (await em.findOne(InsightContact, { where: { sourceKey }, select: { id: true } })) return;
    await insertOnce(em, () =>
      em.insert(InsightContact, {
        sourceKey,
        kind: 'added',
        memberId: p.memberId,
        channelKind: p.channelKind?.slice(0, 24) ?? null,
        referral: p.referrerMemberId !== null,
        at: when(p.addedAt, event.createdAt),
      }),
    );
  }

  @OnEvent('ContactLost')
  async contactLost(event: DeliveredEvent<'ContactLost'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const sourceKey = `lost:${p.externalUserId}:${p.staffUserId}:${p.at}`.slice(0, 160);
    if (await em.findOne(InsightContact, { where: { sourceKey }, select: { id: true } })) return;
    await insertOnce(em, () =>
      em.insert(InsightContact, { sourceKey, kind: 'lost', memberId: null, channelKind: null, referral: false, at: when(p.at, event.createdAt) }),
    );
  }
}
