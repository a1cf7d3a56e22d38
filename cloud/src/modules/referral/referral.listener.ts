/**
 * Domain events → referral: conversions (first pre-order picked up, first store purchase with the
 * member code, first class attended), channel-code adds and WeCom links (touches), account
 * deletion. Each runs in the event's delivery transaction; convert() is exactly-once by itself too.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../classes/events';
import '../preorder/events';
import '../purchases/events';
import '../wecom/events';
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

  /** Only a till receipt carrying the member's code counts (not pre-order receipts, not refunds). */
  @OnEvent('PurchaseRecorded')
  async purchased(event: DeliveredEvent<'PurchaseRecorded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p.memberId || p.channel !== 'pos' || p.refundOf !== null || p.totalFen <= 0) return;
    await this.referral.convert(em, { memberId: p.memberId, kind: 'store_purchase', ref: `receipt:${p.receiptId}`, at: dateOr(p.occurredAt, event.createdAt) });
  }

  @OnEvent('ClassCheckedIn')
  async checkedIn(event: DeliveredEvent<'ClassCheckedIn'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.referral.convert(em, { memberId: p.memberId, kind: 'class_attended', ref: `class:${p.registrationId}`, at: event.createdAt });
  }

  @OnEvent('ReferralContactAdded')
  async contactAdded(event: DeliveredEvent<'ReferralContactAdded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.referral.channelTouch(em, { referrerId: p.referrerMemberId, externalUserId: p.externalUserId, memberId: p.memberId, state: `ref_${p.referrerMemberId}`, at: dateOr(p.addedAt, event.createdAt) });
  }

  /** Any add whose State names a member (ref_<id>), with or without the member's own channel row. */
  @OnEvent('ContactAdded')
  async contactAddedAny(event: DeliveredEvent<'ContactAdded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p.referrerMemberId) return;
    await this.referral.channelTouch(em, { referrerId: p.referrerMemberId, externalUserId: p.externalUserId, memberId: p.memberId, state: p.state, at: dateOr(p.addedAt, event.createdAt) });
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
