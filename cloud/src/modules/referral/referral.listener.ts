/**
 * Domain events → referral: conversions (first pre-order picked up, first store purchase with the
 * member code, first class attended), channel-code adds and WeCom links (touches), account
 * deletion. Each runs in the event's delivery transaction; convert() is exactly-once by itself too.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull } from 'typeorm';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../classes/events';
import '../preorder/events';
import '../purchases/events';
import '../wecom/events';
import { ReferralAttribution } from './entities/referral.entity';
import { ReferralService } from './referral.service';

const dateOr = (s: string | undefined, fallback: Date) => {
  const d = s ? new Date(s) : fallback;
  return Number.isNaN(d.getTime()) ? fallback : d;
};

@Provide()
@Scope(ScopeEnum.Singleton)
export class ReferralListener {
  @Inject()
  referral!: ReferralService;

  @OnEvent('OrderPickedUp')
  async pickedUp(event: DeliveredEvent<'OrderPickedUp'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.referral.convert(em, { memberId: p.memberId, kind: 'pickup', ref: `order:${p.orderId}`, at: dateOr(p.pickedUpAt, event.createdAt) });
  }

  /**
   * Only a till receipt carrying the member's code counts (not pre-order receipts, not refunds).
   * Set-based: one read finds which of the batch's buyers are invitees still waiting to convert;
   * only their receipts go through convert(), in event order (the first one converts).
   */
  @OnEvent('PurchaseRecorded', { batch: true })
  async purchased(events: Array<DeliveredEvent<'PurchaseRecorded'>>, em: EntityManager): Promise<void> {
    const counted = events.filter(({ payload: p }) => p.memberId && p.channel === 'pos' && p.refundOf === null && p.totalFen > 0);
    if (!counted.length) return;
    const buyers = [...new Set(counted.map((e) => e.payload.memberId!))];
    const waiting = new Set<number>();
    for (let i = 0; i < buyers.length; i += 500) {
      for (const a of await em.find(ReferralAttribution, {
        where: { memberId: In(buyers.slice(i, i + 500)), convertedAt: IsNull() },
        select: { memberId: true },
      }))
        waiting.add(a.memberId);
    }
    for (const event of counted) {
      const p = event.payload;
      if (!waiting.has(p.memberId!)) continue;
      await this.referral.convert(em, {
        memberId: p.memberId!,
        kind: 'store_purchase',
        ref: `receipt:${p.receiptId}`,
        at: dateOr(p.occurredAt, event.createdAt),
      });
    }
  }

  @OnEvent('ClassCheckedIn')
  async checkedIn(event: DeliveredEvent<'ClassCheckedIn'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.referral.convert(em, { memberId: p.memberId, kind: 'class_attended', ref: `class:${p.registrationId}`, at: event.createdAt });
  }

  @OnEvent('ReferralContactAdded')
  async contactAdded(event: DeliveredEvent<'ReferralContactAdded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.referral.channelTouch(em, {
      referrerId: p.referrerMemberId,
      externalUserId: p.externalUserId,
      memberId: p.memberId,
      state: `ref_${p.referrerMemberId}`,
      at: dateOr(p.addedAt, event.createdAt),
    });
  }

  /** Any add whose State names a member (ref_<id>), with or without the member's own channel row. */
  @OnEvent('ContactAdded')
  async contactAddedAny(event: DeliveredEvent<'ContactAdded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p.referrerMemberId) return;
    await this.referral.channelTouch(em, {
      referrerId: p.referrerMemberId,
      externalUserId: p.externalUserId,
      memberId: p.memberId,
      state: p.state,
      at: dateOr(p.addedAt, event.createdAt),
    });
  }

  @OnEvent('ContactLinked')
  async contactLinked(event: DeliveredEvent<'ContactLinked'>, em: EntityManager): Promise<void> {
    await this.referral.contactLinked(em, event.payload.externalUserId, event.payload.memberId);
  }

  @OnEvent('MemberDeleted')
  async memberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    await this.referral.forget(em, event.payload.memberId);
  }
}
