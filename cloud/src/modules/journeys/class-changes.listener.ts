/**
 * When ops cancel or move a class session, the members holding a place in it hear it from their
 * own clerk: a private message (add_msg_template) is queued for the clerk who owns the member's
 * WeCom contact to confirm, exactly once per registration and change (outbox idempotency key).
 * This is a service notice, not marketing: journey opt-out, quiet hours and the weekly cap do not
 * hold it back (the clerk still confirms the send). Members without a WeCom contact see the change
 * in 「我的课程」 only.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { Db } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../classes/events';
import { OutboundKick, enqueueOutbound } from '../wecom';
import { JourneyCustomer } from './entities/journey-customer.entity';
import { formatMonthDayTime } from '../../../../contracts/calendar';

/** 「12月3日 14:00」 in Asia/Shanghai. */
export function shanghaiWhen(iso: string): string {
  return formatMonthDayTime(iso);
}

export function cancelledNotice(classTitle: string, startsAt: string): string {
  return `您好，很抱歉通知您：原定${shanghaiWhen(startsAt)}的「${classTitle}」因门店安排取消了，您的报名已自动取消，给您添麻烦了。后续场次开放后我会第一时间告诉您，也可以在小程序「我的课程」里查看。`;
}

export function rescheduledNotice(classTitle: string, previousStartsAt: string, startsAt: string): string {
  return `您好，「${classTitle}」的时间有调整：由${shanghaiWhen(previousStartsAt)}改为${shanghaiWhen(startsAt)}，您的报名保留不变。如果新时间不方便，可以在小程序「我的课程」里取消，名额会留给候补的邻居。`;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassChangesListener {
  @Inject()
  db!: Db;

  @Inject()
  kick!: OutboundKick;

  private async notify(em: EntityManager, memberId: number, idemKey: string, text: string): Promise<void> {
    const c =
      (await em.findOne(JourneyCustomer, { where: { memberId, isPrimary: true }, order: { id: 'ASC' } })) ??
      (await em.findOne(JourneyCustomer, { where: { memberId }, order: { id: 'ASC' } }));
    if (!c || c.lostAt || !c.staffUserId) return;
    const { created } = await enqueueOutbound(em, {
      idemKey,
      kind: 'msg_template',
      payload: { sender: c.staffUserId, externalUserIds: [c.externalUserId], text, attachments: [] },
      ref: 'class-change',
    });
    if (created) this.db.afterCommit(em, () => this.kick.kick());
  }

  @OnEvent('ClassRegistrationCancelled')
  async cancelled(event: DeliveredEvent<'ClassRegistrationCancelled'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.by !== 'ops' || !p.classTitle || !p.startsAt) return;
    await this.notify(em, p.memberId, `class-cancelled:${p.registrationId}`, cancelledNotice(p.classTitle, p.startsAt));
  }

  @OnEvent('ClassSessionRescheduled')
  async rescheduled(event: DeliveredEvent<'ClassSessionRescheduled'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    await this.notify(em, p.memberId, `class-moved:${p.registrationId}:${p.startsAt}`, rescheduledNotice(p.classTitle, p.previousStartsAt, p.startsAt));
  }
}
