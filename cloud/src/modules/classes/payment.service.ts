/**
 * Paid classes through the payment module's public service and events (never its tables).
 *
 * A paid session's registration holds its seat as `unpaid` for the payment window; the
 * PaymentSucceeded event (one per trade, however many notifications or queries said so) turns it
 * confirmed by a conditional UPDATE. Unpaid registrations past the window give their seat back
 * exactly once (status unpaid → cancelled, conditional) and their trade is closed. A payment that
 * lands after that is reinstated when the seat is still free, else refunded in full; so is a
 * payment for a registration the member cancelled. Cancelling a paid seat within the rules refunds
 * it in full (one refund per trade: out_refund_no = trade no + 'R1').
 */
import { Inject, type ILogger, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, LessThan } from 'typeorm';
import { Db, dbDate } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus, OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PaymentService, PaySettings, newTradeNo } from '../payment';
import '../payment/events';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityReads } from '../identity';
import { dayKey } from '../../../../contracts/calendar';
import { retryingTransaction, RetryTransaction } from './tx';

/** WeChat Pay out_trade_no for one registration attempt: 6–32 letters and digits. */
export function newClassTradeNo(now: Date): string {
  return newTradeNo('CL', now, 5);
}

/** The payment window of a paid registration: the pay minutes, but never past the session start. */
export function payWindowEnd(now: Date, payMinutes: number, startsAt: Date): Date {
  return new Date(Math.min(now.getTime() + payMinutes * 60_000, startsAt.getTime()));
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassPaymentService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  payments!: PaymentService;

  @Inject()
  paySettings!: PaySettings;

  @Inject()
  lookup!: IdentityReads;

  @Logger()
  logger!: ILogger;

  get payMinutes(): number {
    return this.paySettings.config.payMinutes;
  }

  /** Prepay for the member's unpaid registration; answers what wx.requestPayment needs. */
  async pay(memberId: number, registrationId: number, now = new Date()) {
    const r = await this.db.manager.findOne(ClassRegistration, { where: { id: registrationId, memberId } });
    if (!r) throw new AppError('NOT_FOUND');
    if (r.paidAt && (r.status === 'confirmed' || r.status === 'attended')) throw new AppError('PAY_ALREADY_PAID');
    if (r.status !== 'unpaid' || !r.tradeNo || !r.payExpiresAt || dbDate(r.payExpiresAt) <= now) throw new AppError('CLASS_NOT_PAYABLE');
    const openid = (await this.lookup.memberFacts([memberId])).get(memberId)?.openid;
    if (!openid) throw new AppError('PREORDER_NO_OPENID');
    const s = await this.db.manager.findOneOrFail(ClassSession, { where: { id: r.sessionId } });
    const c = await this.db.manager.findOneOrFail(ClassDef, { where: { id: s.classId } });
    const answer = await this.payments.prepay({
      purpose: 'class',
      outTradeNo: r.tradeNo,
      memberId,
      openid,
      amountFen: r.priceFen,
      description: `活动报名-${c.title} ${dayKey(dbDate(s.startsAt))}`,
      expiresAt: dbDate(r.payExpiresAt),
    });
    return { tradeNo: r.tradeNo, requestPayment: answer.requestPayment, simulatorCashierUrl: answer.simulatorCashierUrl };
  }

  /** Ask for the full refund of a paid registration inside the caller's transaction (once per trade). */
  async refundInTx(em: EntityManager, r: Pick<ClassRegistration, 'id' | 'memberId' | 'tradeNo' | 'priceFen'>, reason: string): Promise<void> {
    if (!r.tradeNo || r.priceFen <= 0) return;
    await em.createQueryBuilder().update(ClassRegistration).set({ refundFen: r.priceFen }).where('id = :id AND refund_fen = 0', { id: r.id }).execute();
    await this.payments.requestRefund(em, {
      purpose: 'class',
      outTradeNo: r.tradeNo,
      outRefundNo: `${r.tradeNo}R1`,
      memberId: r.memberId,
      refundFen: r.priceFen,
      totalFen: r.priceFen,
      reason,
    });
  }

  /** Close an unpaid trade after the caller's commit (best effort; a late payment is refunded). */
  closeAfterCommit(em: EntityManager, tradeNo: string | null): void {
    if (!tradeNo) return;
    this.db.afterCommit(em, () => {
      void this.payments.close(tradeNo).catch((err) => this.logger.warn('[classes] close %s: %s', tradeNo, (err as Error).message));
    });
  }

  /** Unpaid registrations past their window give their seat back, exactly once; answers the sessions with freed seats. */
  async expireUnpaid(now = new Date(), limit = 200): Promise<number[]> {
    const due = await this.db.manager.find(ClassRegistration, {
      where: { status: 'unpaid', payExpiresAt: LessThan(now) },
      order: { payExpiresAt: 'ASC' },
      take: limit,
    });
    const freed = new Set<number>();
    for (const r of due) {
      const won = await retryingTransaction(this.db, async (tx) => {
        const res = await tx
          .createQueryBuilder()
          .update(ClassRegistration)
          .set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'timeout' })
          .where("id = :id AND status = 'unpaid'", { id: r.id })
          .execute();
        if (!res.affected) return false;
        await tx
          .createQueryBuilder()
          .update(ClassSession)
          .set({ adultLeft: () => 'adult_left + :a', childLeft: () => 'child_left + :c' })
          .where('id = :id')
          .setParameters({ id: r.sessionId, a: r.adults, c: r.children })
          .execute();
        return true;
      });
      if (!won) continue;
      freed.add(r.sessionId);
      if (r.tradeNo) await this.payments.close(r.tradeNo).catch((err) => this.logger.warn('[classes] close %s: %s', r.tradeNo, (err as Error).message));
    }
    return [...freed];
  }

  @OnEvent('PaymentSucceeded')
  async onPaymentSucceeded(event: DeliveredEvent<'PaymentSucceeded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.purpose !== 'class') return;
    const paidAt = new Date(p.paidAt);
    const r = await em.findOne(ClassRegistration, { where: { tradeNo: p.outTradeNo } });
    if (r && r.status === 'unpaid') {
      const res = await em
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status: 'confirmed', paidAt })
        .where("id = :id AND status = 'unpaid' AND trade_no = :t", { id: r.id, t: p.outTradeNo })
        .execute();
      if (!res.affected) throw new RetryTransaction('registration changed while settling its payment');
      await this.registered(em, r);
      return;
    }
    if (r && r.paidAt) return; // settled already
    if (r && r.status === 'cancelled' && r.cancelledBy === 'timeout') {
      // paid after the window: back in when the seat is still free (and nobody waits for it)
      const s = await em.findOne(ClassSession, { where: { id: r.sessionId } });
      if (s && s.status === 'scheduled' && dbDate(s.startsAt) > new Date()) {
        const seated = await em
          .createQueryBuilder()
          .update(ClassSession)
          .set({ adultLeft: () => 'adult_left - :a', childLeft: () => 'child_left - :c' })
          .where("id = :id AND status = 'scheduled' AND adult_left >= :a AND child_left >= :c AND waiting_count = 0")
          .setParameters({ id: s.id, a: r.adults, c: r.children })
          .execute();
        if (seated.affected) {
          const back = await em
            .createQueryBuilder()
            .update(ClassRegistration)
            .set({ status: 'confirmed', paidAt, cancelledAt: null, cancelledBy: null })
            .where("id = :id AND status = 'cancelled' AND trade_no = :t", { id: r.id, t: p.outTradeNo })
            .execute();
          if (!back.affected) throw new RetryTransaction('registration changed while reinstating');
          await this.registered(em, r);
          return;
        }
      }
    }
    // cancelled by the member or ops, no seat left, or a trade of an earlier attempt: refund in full
    if (r) await em.createQueryBuilder().update(ClassRegistration).set({ paidAt }).where('id = :id AND paid_at IS NULL', { id: r.id }).execute();
    await this.refundInTx(
      em,
      { id: r?.id ?? 0, memberId: p.memberId, tradeNo: p.outTradeNo, priceFen: p.amountFen },
      r?.status === 'cancelled' && r.cancelledBy !== 'timeout' ? '报名已取消，自动退款' : '支付超时且名额已满，自动退款',
    );
  }

  private async registered(em: EntityManager, r: ClassRegistration): Promise<void> {
    const s = await em.findOneOrFail(ClassSession, { where: { id: r.sessionId } });
    await this.events.emit(em, 'ClassRegistered', { registrationId: r.id, sessionId: r.sessionId, classId: s.classId, memberId: r.memberId });
  }

  @OnEvent('PaymentRefunded')
  async onPaymentRefunded(event: DeliveredEvent<'PaymentRefunded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (p.purpose !== 'class') return;
    await em
      .createQueryBuilder()
      .update(ClassRegistration)
      .set({ refundedAt: new Date(p.refundedAt), refundFen: p.amountFen })
      .where('trade_no = :t AND refunded_at IS NULL', { t: p.outTradeNo })
      .execute();
  }
}
