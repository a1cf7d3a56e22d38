/**
 * Domain events → feedback: class ratings into the inbox, rating prompts after pickups and
 * receipts, the member signals the churn score reads, arrivals for the copilot (member code,
 * class check-in, pickup), lost-customer alerts, and account deletion. Each handler runs in the
 * event's delivery transaction (exactly once per event); every write is keyed besides.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../classes/events';
import '../contest/events';
import '../preorder/events';
import '../purchases/events';
import '../wecom/events';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import { ArrivalService } from './arrival.service';
import { ChurnService } from './churn.service';
import { FeedbackService, PROMPT_DAYS } from './feedback.service';
import { People } from './people';
import { SignalRecorder } from './signals';
import { formatMonthDay } from '../../../../contracts/calendar';

const md = formatMonthDay;
const dateOr = (s: string | undefined, fallback: Date) => {
  const d = s ? new Date(s) : fallback;
  return Number.isNaN(d.getTime()) ? fallback : d;
};

@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackListener {
  @Inject()
  feedback!: FeedbackService;

  @Inject()
  signals!: SignalRecorder;

  @Inject()
  arrivals!: ArrivalService;

  @Inject()
  churn!: ChurnService;

  @Inject()
  people!: People;

  @OnEvent('ClassRated')
  async classRated(event: DeliveredEvent<'ClassRated'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.feedback.intake(em, {
      sourceKey: `class:${p.registrationId}`,
      memberId: p.memberId,
      storeId: p.storeId,
      source: 'class',
      title: p.classTitle ? `课程：${p.classTitle}` : '课程评价',
      rating: p.stars,
      recommend: null,
      comment: p.comment,
      at: dateOr(p.ratedAt, event.createdAt),
    });
  }

  @OnEvent('ClassCheckedIn')
  async checkedIn(event: DeliveredEvent<'ClassCheckedIn'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.signals.record(em, { memberId: p.memberId, kind: 'visit', at: event.createdAt, sourceKey: `checkin:${p.registrationId}` });
    await this.signals.record(em, { memberId: p.memberId, kind: 'interaction', at: event.createdAt, sourceKey: `checkin:${p.registrationId}:i` });
    await this.arrivals.arrive(em, { memberId: p.memberId, storeId: p.storeId, via: 'checkin', at: event.createdAt });
    const ends = p.endsAt ? new Date(p.endsAt) : null;
    await this.feedback.promptClassRating(em, {
      registrationId: p.registrationId,
      memberId: p.memberId,
      classTitle: p.classTitle ?? null,
      endsAt: ends && !Number.isNaN(ends.getTime()) ? ends : new Date(event.createdAt.getTime() + 2 * 3600_000),
    });
  }

  @OnEvent('OrderPickedUp')
  async pickedUp(event: DeliveredEvent<'OrderPickedUp'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const at = dateOr(p.pickedUpAt, event.createdAt);
    await this.signals.record(em, { memberId: p.memberId, kind: 'visit', at, sourceKey: `pickup:${p.orderId}` });
    await this.feedback.openPrompt(em, {
      sourceKey: `pickup:${p.orderId}`,
      memberId: p.memberId,
      storeId: p.storeId,
      kind: 'pickup',
      title: `${md(at)} 提货（订单 ${p.orderId}）`,
      at,
    });
    await this.arrivals.arrive(em, { memberId: p.memberId, storeId: p.storeId, via: 'pickup', at });
  }

  @OnEvent('MemberArrived')
  async arrived(event: DeliveredEvent<'MemberArrived'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const at = dateOr(p.at, event.createdAt);
    await this.signals.record(em, { memberId: p.memberId, kind: 'visit', at, sourceKey: `arrived:${event.id}` });
    await this.arrivals.arrive(em, { memberId: p.memberId, storeId: p.storeId, via: p.via, at });
  }

  /** Set-based: the purchase (and till visit) signals and the rating prompts of a batch in multi-row INSERTs keyed by source. */
  @OnEvent('PurchaseRecorded', { batch: true })
  async purchased(events: Array<DeliveredEvent<'PurchaseRecorded'>>, em: EntityManager): Promise<void> {
    const signals: BulkValue[][] = [];
    const prompts: BulkValue[][] = [];
    const fresh: Array<Parameters<FeedbackService['openPrompt']>[1]> = [];
    for (const event of events) {
      const p = event.payload;
      if (!p.memberId || !Number.isInteger(p.memberId) || p.totalFen <= 0 || p.refundOf !== null) continue;
      const at = dateOr(p.occurredAt, event.createdAt);
      // pre-orders are counted from OrderPaid and rated at pickup
      if (p.channel === 'preorder') continue;
      signals.push([`receipt:${p.receiptId}`, p.memberId, 'purchase', at]);
      if (p.channel === 'pos') signals.push([`receipt:${p.receiptId}:v`, p.memberId, 'visit', at]);
      const title = `${md(at)} 购物（¥${(p.totalFen / 100).toFixed(2)}）`;
      // a fresh receipt may send its 「评价提醒」 (one at a time); an imported old one only opens the prompt, in bulk
      if (Date.now() - at.getTime() < PROMPT_DAYS * 86_400_000)
        fresh.push({ sourceKey: `receipt:${p.receiptId}`, memberId: p.memberId, storeId: p.storeId, kind: 'receipt', title, at });
      else prompts.push([`receipt:${p.receiptId}`, p.memberId, p.storeId, 'receipt', title.slice(0, 80), at, null]);
    }
    if (signals.length)
      await bulkInsert(em, 'feedback_signal', ['source_key', 'member_id', 'kind', 'at'], signals, { ignoreDuplicate: 'source_key', chunk: 500 });
    for (const f of fresh) await this.feedback.openPrompt(em, f);
    if (prompts.length)
      await bulkInsert(em, 'feedback_prompt', ['source_key', 'member_id', 'store_id', 'kind', 'title', 'created_at', 'answered_at'], prompts, {
        ignoreDuplicate: 'source_key',
        chunk: 500,
      });
  }

  @OnEvent('OrderPaid')
  async orderPaid(event: DeliveredEvent<'OrderPaid'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p || !Number.isInteger(p.memberId)) return;
    await this.signals.record(em, { memberId: p.memberId, kind: 'purchase', at: dateOr(p.paidAt, event.createdAt), sourceKey: `order:${p.orderId}` });
  }

  /** Set-based (a crowd logging in): one multi-row INSERT keyed by event. */
  @OnEvent('MemberRegistered', { batch: true })
  async registered(events: Array<DeliveredEvent<'MemberRegistered'>>, em: EntityManager): Promise<void> {
    await this.signals.recordMany(
      em,
      events.map((e) => ({ memberId: e.payload.memberId, kind: 'interaction' as const, at: e.createdAt, sourceKey: `evt:${e.id}` })),
    );
  }

  /** Set-based (a crowd registering for a class): one multi-row INSERT keyed by event. */
  @OnEvent('ClassRegistered', { batch: true })
  async classRegistered(events: Array<DeliveredEvent<'ClassRegistered'>>, em: EntityManager): Promise<void> {
    await this.signals.recordMany(
      em,
      events.map((e) => ({ memberId: e.payload.memberId, kind: 'interaction' as const, at: e.createdAt, sourceKey: `evt:${e.id}` })),
    );
  }

  @OnEvent('ContestVoted')
  async voted(event: DeliveredEvent<'ContestVoted'>, em: EntityManager): Promise<void> {
    await this.signals.record(em, {
      memberId: event.payload.memberId,
      kind: 'interaction',
      at: event.createdAt,
      sourceKey: `vote:${event.payload.memberId}:${event.payload.day}`,
    });
  }

  @OnEvent('EntryApproved')
  async entryApproved(event: DeliveredEvent<'EntryApproved'>, em: EntityManager): Promise<void> {
    await this.signals.record(em, { memberId: event.payload.memberId, kind: 'interaction', at: event.createdAt, sourceKey: `evt:${event.id}` });
  }

  @OnEvent('ContactAdded')
  async contactAdded(event: DeliveredEvent<'ContactAdded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.memberId)
      await this.signals.record(em, { memberId: p.memberId, kind: 'interaction', at: dateOr(p.addedAt, event.createdAt), sourceKey: `evt:${event.id}` });
  }

  /** A private message reached the member: counted toward 「消息太多」 until they reply or come. */
  @OnEvent('CustomerMessaged')
  async messaged(event: DeliveredEvent<'CustomerMessaged'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const memberId = (await this.people.contact(p.externalUserId))?.memberId;
    if (memberId)
      await this.signals.record(em, { memberId, kind: 'message', at: dateOr(p.at, event.createdAt), sourceKey: `msg:${p.outboundId}:${p.externalUserId}` });
  }

  @OnEvent('CustomerReplied')
  async replied(event: DeliveredEvent<'CustomerReplied'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const memberId = p.memberId ?? (await this.people.contact(p.externalUserId))?.memberId;
    if (memberId) await this.signals.record(em, { memberId, kind: 'interaction', at: dateOr(p.at, event.createdAt), sourceKey: `reply:${event.id}` });
  }

  @OnEvent('ContactLost')
  async contactLost(event: DeliveredEvent<'ContactLost'>, em: EntityManager): Promise<void> {
    await this.churn.contactLost(em, event.id, event.payload);
  }

  @OnEvent('MemberDeleted')
  async memberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const id = event.payload.memberId;
    await this.feedback.memberDeleted(em, id);
    await this.churn.memberDeleted(em, id);
    await this.arrivals.memberDeleted(em, id);
    await this.signals.forget(em, id);
  }
}
