/**
 * Domain events -> community read models: what each member took part in (participation, once per
 * fact) and our side of each customer group (created with the owner's store when WeCom reports it).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../classes/events';
import '../contest/events';
import '../preorder/events';
import '../purchases/events';
import '../wecom/events';
import { ClassTitles } from '../classes';
import { JourneysPublic } from '../journeys/public';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import { WecomDirectory } from '../wecom';
import { CommunityGroup } from './entities/group.entity';
import { Kit, KitAdoption } from './entities/kit.entity';
import { Participation, type ParticipationKind } from './entities/participation.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class CommunityListener {
  @Inject()
  classTitles!: ClassTitles;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  journeys!: JourneysPublic;

  /** True when this fact is new (false on a redelivery). */
  private async record(em: EntityManager, memberId: number, kind: ParticipationKind, ref: string, at: Date, title: string | null = null): Promise<boolean> {
    // a savepoint-free "insert once": the unique key (member, kind, ref) turns a redelivery into a no-op
    const exists = await em.findOne(Participation, { where: { memberId, kind, ref }, select: { id: true } });
    if (exists) return false;
    try {
      await em.insert(Participation, { memberId, kind, ref: ref.slice(0, 64), title: title?.slice(0, 64) ?? null, at });
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return false;
    }
  }

  /** Set-based: the batch's class titles in one read, its participations in one multi-row INSERT (the unique key skips what is there). */
  @OnEvent('ClassRegistered', { batch: true })
  async classRegistered(events: Array<DeliveredEvent<'ClassRegistered'>>, em: EntityManager): Promise<void> {
    if (!events.length) return;
    const titles = await this.classTitles.byIds(events.map((e) => e.payload.classId));
    const rows = events.map(({ payload: p, createdAt }): BulkValue[] => [
      p.memberId,
      'class',
      `class:${p.classId}:${p.sessionId}`.slice(0, 64),
      titles.get(p.classId)?.title.slice(0, 64) ?? null,
      createdAt,
    ]);
    await bulkInsert(em, 'community_participation', ['member_id', 'kind', 'ref', 'title', 'at'], rows, { ignoreDuplicate: true, chunk: 500 });
  }

  @OnEvent('ClassCheckedIn')
  async classCheckedIn(e: DeliveredEvent<'ClassCheckedIn'>, em: EntityManager): Promise<void> {
    const fresh = await this.record(em, e.payload.memberId, 'checkin', `session:${e.payload.sessionId}`, e.createdAt);
    if (fresh) await this.followUp(em, e.payload.classId, e.payload.memberId);
  }

  /** An attendee of a class adopted from a kit joins the kit's follow-up journey (once per check-in). */
  private async followUp(em: EntityManager, classId: number, memberId: number): Promise<void> {
    const adoption = await em.findOne(KitAdoption, { where: { classId, target: 'class' }, select: { id: true, kitId: true, title: true } });
    if (!adoption) return;
    const kit = await em.findOne(Kit, { where: { id: adoption.kitId }, select: { id: true, followUpJourneyId: true } });
    if (kit?.followUpJourneyId) await this.journeys.enrolMember(em, kit.followUpJourneyId, memberId, `活动包「${adoption.title}」到场后跟进`);
  }

  @OnEvent('EntryApproved')
  async entryApproved(e: DeliveredEvent<'EntryApproved'>, em: EntityManager): Promise<void> {
    await this.record(em, e.payload.memberId, 'contest_entry', `entry:${e.payload.entryId}`, e.createdAt);
  }

  @OnEvent('ContestVoted')
  async contestVoted(e: DeliveredEvent<'ContestVoted'>, em: EntityManager): Promise<void> {
    await this.record(em, e.payload.memberId, 'contest_vote', `vote:${e.payload.contestId}:${e.payload.day}`, e.createdAt);
  }

  @OnEvent('OrderPaid')
  async orderPaid(e: DeliveredEvent<'OrderPaid'>, em: EntityManager): Promise<void> {
    await this.record(em, e.payload.memberId, 'order', `order:${e.payload.orderId}`, new Date(e.payload.paidAt));
  }

  /** Set-based: one multi-row INSERT per batch; the unique (member, kind, ref) skips redeliveries. */
  @OnEvent('PurchaseRecorded', { batch: true })
  async purchaseRecorded(events: Array<DeliveredEvent<'PurchaseRecorded'>>, em: EntityManager): Promise<void> {
    const rows: BulkValue[][] = [];
    for (const { payload: p } of events) {
      // pre-orders arrive as OrderPaid too; refunds are not taking part
      if (!p.memberId || p.channel === 'preorder' || p.totalFen <= 0) continue;
      rows.push([p.memberId, 'order', `receipt:${p.receiptId}`, null, new Date(p.occurredAt)]);
    }
    if (rows.length) await bulkInsert(em, 'community_participation', ['member_id', 'kind', 'ref', 'title', 'at'], rows, { ignoreDuplicate: true, chunk: 500 });
  }

  @OnEvent('GroupChanged')
  async groupChanged(e: DeliveredEvent<'GroupChanged'>, em: EntityManager): Promise<void> {
    const p = e.payload;
    if (p.dismissed) return;
    const existing = await em.findOne(CommunityGroup, { where: { chatId: p.chatId } });
    const owner = p.ownerUserId ? await this.directory.staffByUserId(p.ownerUserId) : null;
    if (!existing) {
      try {
        await em.insert(CommunityGroup, {
          chatId: p.chatId,
          storeId: owner?.storeId ?? null,
          theme: null,
          welcomeText: null,
          welcomeTemplateId: null,
          welcomeUpdatedAt: null,
          weeklyCap: null,
          createdAt: new Date(),
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    } else if (existing.storeId === null && owner?.storeId) {
      await em.update(CommunityGroup, { id: existing.id }, { storeId: owner.storeId });
    }
  }
}
