/**
 * Domain events -> journeys: keep the customer and activity projections current and enrol
 * customers in event-triggered journeys (contact added, tag added, class attended, order paid).
 * Each handler runs in the event's delivery transaction (exactly once per event).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull } from 'typeorm';
import { CHANNEL_KIND_LABELS, type CHANNEL_KINDS } from '../../../../contracts/wecom';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../classes/events';
import '../purchases/events';
import '../contest/events';
import '../tags/events';
import '../wecom/events';
import './events';
import { JourneyEngine } from './engine.service';
import { JourneyCoupon } from './entities/coupon.entity';
import { JourneyEnrolment, JourneyStepLog } from './entities/enrolment.entity';
import { JourneyCustomer } from './entities/journey-customer.entity';
import { ActivityLog, MemberActivity } from './entities/member-activity.entity';
import { StaffTask } from './entities/staff-task.entity';
import { JourneyProjection } from './projection.service';

type ChannelKindName = (typeof CHANNEL_KINDS)[number];

@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneysListener {
  @Inject()
  projection!: JourneyProjection;

  @Inject()
  engine!: JourneyEngine;

  /** The member's primary contact (member-wide journeys address one contact per member). */
  private async primaryContact(em: EntityManager, memberId: number): Promise<JourneyCustomer | null> {
    return (
      (await em.findOne(JourneyCustomer, { where: { memberId, isPrimary: true }, order: { id: 'ASC' } })) ??
      (await em.findOne(JourneyCustomer, { where: { memberId }, order: { id: 'ASC' } }))
    );
  }

  private async enrolMember(
    em: EntityManager,
    memberId: number,
    match: Parameters<JourneyEngine['enrolByEvent']>[1],
    episodeAt: Date,
    detail: string,
  ): Promise<void> {
    const c = await this.primaryContact(em, memberId);
    if (!c || c.lostAt) return; // no WeCom contact to run a journey with
    await this.engine.enrolByEvent(em, match, { externalUserId: c.externalUserId, memberId, staffUserId: c.staffUserId }, episodeAt, new Date(), detail);
  }

  @OnEvent('ContactAdded')
  async contactAdded(event: DeliveredEvent<'ContactAdded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const at = new Date(p.addedAt);
    await this.projection.contactAdded(em, { externalUserId: p.externalUserId, memberId: p.memberId, staffUserId: p.staffUserId, at });
    await this.projection.record(em, { memberId: p.memberId, externalUserId: p.externalUserId, kind: 'contact', at, sourceKey: `evt:${event.id}` });
    await this.engine.enrolByEvent(
      em,
      (t) => t.type === 'contact_added' && (!t.channelKinds?.length || (!!p.channelKind && (t.channelKinds as string[]).includes(p.channelKind))),
      { externalUserId: p.externalUserId, memberId: p.memberId, staffUserId: p.staffUserId },
      null,
      new Date(),
      p.channelKind ? `添加好友（渠道：${CHANNEL_KIND_LABELS[p.channelKind as ChannelKindName] ?? p.channelKind}），欢迎语已处理` : '添加好友，欢迎语已处理',
    );
  }

  @OnEvent('ContactLinked')
  async contactLinked(event: DeliveredEvent<'ContactLinked'>, em: EntityManager): Promise<void> {
    const { externalUserId, memberId } = event.payload;
    await this.projection.contactLinked(em, externalUserId, memberId);
    await em.update(JourneyEnrolment, { externalUserId, memberId: IsNull() }, { memberId });
  }

  @OnEvent('ContactLost')
  async contactLost(event: DeliveredEvent<'ContactLost'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    const at = new Date(p.at);
    if (!(await this.projection.contactLost(em, p.externalUserId, p.staffUserId, at))) return;
    const active = await em.find(JourneyEnrolment, { where: { externalUserId: p.externalUserId, status: 'active' }, select: { id: true, nextStep: true } });
    if (!active.length) return;
    await em.update(
      JourneyEnrolment,
      { id: In(active.map((e) => e.id)), status: 'active' },
      { status: 'exited', exitReason: 'contact_lost', nextDueAt: null, updatedAt: new Date() },
    );
    for (const e of active) {
      await em.insert(JourneyStepLog, {
        enrolmentId: e.id,
        stepIndex: e.nextStep,
        outcome: 'goal_met',
        detail: p.reason === 'customer_deleted' ? '客户删除了员工，退出旅程' : '员工删除了客户，退出旅程',
        messageTo: null,
        at: new Date(),
      });
    }
  }

  /** Set-based: a crowd's first visits in one read, one insert and one upsert per batch (as `record` per event). */
  @OnEvent('MemberRegistered', { batch: true })
  async registered(events: Array<DeliveredEvent<'MemberRegistered'>>, em: EntityManager): Promise<void> {
    const facts = events.map((e) => ({ memberId: e.payload.memberId, at: e.createdAt, sourceKey: `evt:${e.id}` }));
    await this.projection.recordMany(em, 'visit', facts);
  }

  /**
   * Every purchase in the one ledger (till, mini-program, pre-order): the activity projection
   * (「上次购买」 with real item names, the "no order" conditions) and the order-paid trigger.
   * Refunds and receipts without a member are not purchases of anyone here; receipts older than
   * two days (file imports of history) update the projection but start no journey.
   */
  @OnEvent('PurchaseRecorded', { batch: true })
  async purchaseRecorded(events: Array<DeliveredEvent<'PurchaseRecorded'>>, em: EntityManager): Promise<void> {
    // set-based: the batch's orders go into the projection together; only new, recent ones enrol (one by one, in order)
    const facts: Array<{ memberId: number; at: Date; sourceKey: string; orderTitle: string | null; totalFen: number; receiptId: number }> = [];
    for (const { payload: p } of events) {
      if (!p || !Number.isInteger(p.memberId) || p.totalFen <= 0) continue;
      const at = new Date(p.occurredAt);
      if (Number.isNaN(at.getTime())) continue;
      const orderTitle =
        (p.items ?? [])
          .filter((i) => i.qty > 0)
          .map((i) => i.name)
          .filter(Boolean)
          .slice(0, 3)
          .join('、') || null;
      facts.push({ memberId: p.memberId!, at, sourceKey: `receipt:${p.receiptId}`, orderTitle, totalFen: p.totalFen, receiptId: p.receiptId });
    }
    if (!facts.length) return;
    for (const f of await this.projection.recordOrders(em, facts)) {
      if (Date.now() - f.at.getTime() > 2 * 86_400_000) continue;
      await this.enrolMember(em, f.memberId, (t) => t.type === 'order_paid', f.at, `消费 ¥${(f.totalFen / 100).toFixed(2)}（小票 ${f.receiptId}）`);
    }
  }

  @OnEvent('ClassCheckedIn')
  async checkedIn(event: DeliveredEvent<'ClassCheckedIn'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!(await this.projection.record(em, { memberId: p.memberId, kind: 'checkin', at: event.createdAt, sourceKey: `evt:${event.id}` }))) return;
    await this.enrolMember(em, p.memberId, (t) => t.type === 'class_checked_in', event.createdAt, `参加了烹饪课（课程 ${p.classId}）`);
  }

  @OnEvent('MemberTagsGranted')
  async tagsGranted(event: DeliveredEvent<'MemberTagsGranted'>, em: EntityManager): Promise<void> {
    const { memberId, tags } = event.payload;
    await this.enrolMember(em, memberId, (t) => t.type === 'tag_added' && tags.includes(t.tagName), event.createdAt, `获得标签：${tags.join('、')}`);
  }

  @OnEvent('EntryApproved')
  async entryApproved(event: DeliveredEvent<'EntryApproved'>, em: EntityManager): Promise<void> {
    await this.projection.record(em, { memberId: event.payload.memberId, kind: 'visit', at: event.createdAt, sourceKey: `evt:${event.id}` });
  }

  @OnEvent('ContestVoted')
  async voted(event: DeliveredEvent<'ContestVoted'>, em: EntityManager): Promise<void> {
    await this.projection.record(em, { memberId: event.payload.memberId, kind: 'visit', at: event.createdAt, sourceKey: `evt:${event.id}` });
  }

  /** Account deletion: activity erased, journeys stopped, remaining rows anonymised. */
  @OnEvent('MemberDeleted')
  async memberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const memberId = event.payload.memberId;
    await em.delete(MemberActivity, { memberId });
    await em.delete(ActivityLog, { memberId });
    await em.update(
      JourneyEnrolment,
      { memberId, status: 'active' },
      { status: 'exited', exitReason: 'member_deleted', nextDueAt: null, updatedAt: new Date() },
    );
    await em.update(JourneyEnrolment, { memberId }, { memberId: null });
    await em.update(JourneyCustomer, { memberId }, { memberId: null, isPrimary: false });
    await em.update(StaffTask, { memberId }, { memberId: null });
    await em.update(JourneyCoupon, { memberId }, { memberId: null });
  }
}
