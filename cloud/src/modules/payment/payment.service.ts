/**
 * The payment module's public face: prepay (with the signed wx.requestPayment parameters), the
 * notification endpoint's work, refunds, closing unpaid trades, the reconcile job's queries and the
 * daily trade-bill reconciliation. The module that asks for a payment names a `purpose` and hears
 * PaymentSucceeded / PaymentRefunded; it never touches these tables.
 *
 * Exactly once: a trade becomes paid by one conditional UPDATE (status <> 'paid'), whatever mix of
 * duplicate notifications, late ones and reconcile queries says so; a refund is one row per
 * out_refund_no (WeChat Pay also refunds once per out_refund_no), completed by a conditional UPDATE.
 */
import { Inject, type ILogger, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, LessThan, MoreThan } from 'typeorm';
import { Db, dbDate, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { NotificationRejected, type PayGateway, type RequestPaymentParams, WechatPayGateway } from '../../platform/pay.client';
import { PlatformError } from '../../platform/types';
import './events';
import { type BillDiffKind, PayBillDiff, PayNotification, type PayPurpose, PayRefund, PayTransaction } from './entities/payment.entity';
import { PaySettings } from './settings';
import { dayRangeOfKey } from '../../../../contracts/calendar';

export interface PrepayRequest {
  purpose: PayPurpose;
  /** 6–32 letters/digits, unique per merchant (the owner's order number). */
  outTradeNo: string;
  memberId: number;
  openid: string;
  amountFen: number;
  description: string;
  expiresAt: Date;
}

export interface PrepayAnswer {
  outTradeNo: string;
  requestPayment: RequestPaymentParams;
  /** Dev only: the simulator's cashier (H5 has no wx.requestPayment); null in production. */
  simulatorCashierUrl: string | null;
}

export interface RefundRequest {
  purpose: PayPurpose;
  outTradeNo: string;
  outRefundNo: string;
  memberId: number;
  refundFen: number;
  totalFen: number;
  reason: string;
}

export interface NotificationAnswer {
  status: number;
  body?: { code: 'FAIL'; message: string };
}

export interface BillReconciliation {
  billDate: string;
  billRows: number;
  oursPaid: number;
  diffs: Array<{ outTradeNo: string; kind: BillDiffKind; oursFen: number | null; billFen: number | null }>;
}

/** Asia/Shanghai day [start, end) in UTC. */
export function shanghaiDayRange(date: string): [Date, Date] {
  const { start, end } = dayRangeOfKey(date);
  return [start, end];
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class PaymentService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  settings!: PaySettings;

  @Logger()
  logger!: ILogger;

  private gatewayInstance: PayGateway | null = null;

  /** The WeChat Pay client (tests may swap it). */
  get gateway(): PayGateway {
    if (!this.gatewayInstance) this.gatewayInstance = new WechatPayGateway(this.settings.config);
    return this.gatewayInstance;
  }

  set gateway(g: PayGateway) {
    this.gatewayInstance = g;
  }

  /** Create (or reuse) the trade and its prepay id; answers what wx.requestPayment needs. */
  async prepay(req: PrepayRequest): Promise<PrepayAnswer> {
    const now = new Date();
    let trade = await this.db.manager.findOne(PayTransaction, { where: { outTradeNo: req.outTradeNo } });
    if (!trade) {
      try {
        await this.db.transaction((em) =>
          em.insert(PayTransaction, {
            outTradeNo: req.outTradeNo,
            purpose: req.purpose,
            memberId: req.memberId,
            amountFen: req.amountFen,
            description: req.description.slice(0, 128),
            status: 'created',
            prepayId: null,
            transactionId: null,
            expiresAt: req.expiresAt,
            paidAt: null,
            createdAt: now,
            updatedAt: now,
          }),
        );
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // a parallel tap created it
      }
      trade = (await this.db.manager.findOne(PayTransaction, { where: { outTradeNo: req.outTradeNo } }))!;
    }
    if (trade.amountFen !== req.amountFen || trade.memberId !== req.memberId) throw new AppError('CONFLICT');
    if (trade.status === 'paid') throw new AppError('PAY_ALREADY_PAID');
    if (trade.status === 'closed') throw new AppError('PAY_TRADE_CLOSED');
    let prepayId = trade.prepayId;
    if (!prepayId) {
      try {
        // WeChat answers the same prepay_id for the same out_trade_no and parameters
        prepayId = (
          await this.gateway.prepay({
            outTradeNo: req.outTradeNo,
            description: trade.description,
            amountFen: trade.amountFen,
            openid: req.openid,
            notifyUrl: this.settings.config.notifyUrl,
            expiresAt: dbDate(trade.expiresAt),
          })
        ).prepayId;
      } catch (err) {
        if (err instanceof PlatformError) {
          this.logger.warn('[pay] prepay %s failed: %s', req.outTradeNo, err.message);
          throw new AppError('PAY_UNAVAILABLE');
        }
        throw err;
      }
      await this.db.transaction((em) => em.update(PayTransaction, { outTradeNo: req.outTradeNo }, { prepayId, updatedAt: new Date() }));
    }
    return {
      outTradeNo: req.outTradeNo,
      requestPayment: this.gateway.requestPaymentParams(prepayId),
      simulatorCashierUrl: this.settings.config.simulatorUrl ? `${this.settings.config.simulatorUrl}/__sim/pay/confirm` : null,
    };
  }

  /**
   * The notification endpoint: verify before anything is stored, record the notification once by
   * its id, apply it; answer 204 (no body) when handled, 401/500 with {code: FAIL} so WeChat retries.
   */
  async acceptNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<NotificationAnswer> {
    let n;
    try {
      n = this.gateway.verifyNotification(headers, rawBody);
    } catch (err) {
      if (err instanceof NotificationRejected) {
        this.logger.warn('[pay] notification rejected: %s', err.message);
        return { status: 401, body: { code: 'FAIL', message: '签名验证失败' } };
      }
      throw err;
    }
    const r = n.resource;
    await this.db.transaction(
      async (em) => {
        try {
          await em.insert(PayNotification, {
            notificationId: n.id.slice(0, 64),
            eventType: n.eventType.slice(0, 32),
            outTradeNo: typeof r.out_trade_no === 'string' ? r.out_trade_no.slice(0, 32) : null,
            outRefundNo: typeof r.out_refund_no === 'string' ? r.out_refund_no.slice(0, 64) : null,
            outcome: 'received',
            receivedAt: new Date(),
          });
        } catch (err) {
          if (isUniqueViolation(err)) return; // the same notification again: already handled
          throw err;
        }
        let outcome: string;
        if (n.eventType === 'TRANSACTION.SUCCESS' && r.trade_state === 'SUCCESS') {
          outcome = await this.markPaid(
            em,
            String(r.out_trade_no),
            String(r.transaction_id),
            Number(r.amount?.total),
            r.success_time ? new Date(r.success_time) : new Date(),
          );
        } else if (n.eventType.startsWith('REFUND.')) {
          outcome =
            r.refund_status === 'SUCCESS'
              ? await this.markRefunded(em, String(r.out_refund_no), String(r.refund_id), r.success_time ? new Date(r.success_time) : new Date())
              : await this.markRefundFailed(em, String(r.out_refund_no), String(r.refund_status));
        } else {
          outcome = 'ignored';
        }
        await em.update(PayNotification, { notificationId: n.id.slice(0, 64) }, { outcome });
      },
      { attempts: 4 },
    );
    return { status: 204 };
  }

  /** Paid exactly once: the first notification or query that says so wins. */
  async markPaid(em: EntityManager, outTradeNo: string, transactionId: string, amountFen: number, paidAt: Date): Promise<string> {
    const trade = await em.findOne(PayTransaction, { where: { outTradeNo } });
    if (!trade) return 'unknown_trade';
    if (trade.amountFen !== amountFen) {
      this.logger.error('[pay] %s paid %d fen, expected %d: left for ops (bill reconciliation)', outTradeNo, amountFen, trade.amountFen);
      return 'amount_mismatch';
    }
    const res = await em
      .createQueryBuilder()
      .update(PayTransaction)
      .set({ status: 'paid', transactionId: transactionId.slice(0, 32), paidAt, updatedAt: new Date() })
      .where("out_trade_no = :outTradeNo AND status <> 'paid'", { outTradeNo })
      .execute();
    if ((res.affected ?? 0) !== 1) return 'duplicate_state';
    await this.events.emit(em, 'PaymentSucceeded', {
      purpose: trade.purpose,
      outTradeNo,
      transactionId,
      memberId: trade.memberId,
      amountFen,
      paidAt: paidAt.toISOString(),
    });
    return 'applied';
  }

  private async markRefunded(em: EntityManager, outRefundNo: string, refundId: string, at: Date): Promise<string> {
    const refund = await em.findOne(PayRefund, { where: { outRefundNo } });
    if (!refund) return 'unknown_refund';
    const res = await em
      .createQueryBuilder()
      .update(PayRefund)
      .set({ status: 'succeeded', refundId: refundId.slice(0, 64), refundedAt: at, updatedAt: new Date() })
      .where("out_refund_no = :outRefundNo AND status <> 'succeeded'", { outRefundNo })
      .execute();
    if ((res.affected ?? 0) !== 1) return 'duplicate_state';
    await this.events.emit(em, 'PaymentRefunded', {
      purpose: refund.purpose,
      outTradeNo: refund.outTradeNo,
      outRefundNo,
      refundId,
      memberId: refund.memberId,
      amountFen: refund.refundFen,
      refundedAt: at.toISOString(),
    });
    return 'applied';
  }

  private async markRefundFailed(em: EntityManager, outRefundNo: string, status: string): Promise<string> {
    await em
      .createQueryBuilder()
      .update(PayRefund)
      .set({ status: 'failed', lastError: `WeChat Pay refund ${status}`.slice(0, 200), updatedAt: new Date() })
      .where("out_refund_no = :outRefundNo AND status <> 'succeeded'", { outRefundNo })
      .execute();
    return 'refund_failed';
  }

  /**
   * Ask for a refund inside the caller's transaction (one row per out_refund_no, so asking twice
   * refunds once); it is sent after commit, and by the reconcile job if that send fails.
   */
  async requestRefund(em: EntityManager, req: RefundRequest): Promise<void> {
    const now = new Date();
    try {
      await em.insert(PayRefund, {
        outRefundNo: req.outRefundNo,
        outTradeNo: req.outTradeNo,
        purpose: req.purpose,
        memberId: req.memberId,
        refundFen: req.refundFen,
        totalFen: req.totalFen,
        reason: req.reason.slice(0, 80),
        status: 'pending',
        refundId: null,
        attempts: 0,
        lastError: null,
        refundedAt: null,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (isUniqueViolation(err)) return;
      throw err;
    }
    // not awaited: hooks run inside the (SQLite-queued) commit, and the send opens transactions of its own
    this.db.afterCommit(em, () => {
      void this.sendRefund(req.outRefundNo).catch((err) => this.logger.warn('[pay] refund %s: %s', req.outRefundNo, (err as Error).message));
    });
  }

  /** Send one pending refund (claimed by a conditional update, so two senders never both send). */
  async sendRefund(outRefundNo: string): Promise<'sent' | 'not_pending' | 'failed'> {
    const claimed = await this.db.transaction((em) =>
      em
        .createQueryBuilder()
        .update(PayRefund)
        .set({ status: 'processing', attempts: () => 'attempts + 1', updatedAt: new Date() })
        .where("out_refund_no = :outRefundNo AND status = 'pending'", { outRefundNo })
        .execute(),
    );
    if ((claimed.affected ?? 0) !== 1) return 'not_pending';
    const refund = (await this.db.manager.findOne(PayRefund, { where: { outRefundNo } }))!;
    try {
      const state = await this.gateway.refund({
        outTradeNo: refund.outTradeNo,
        outRefundNo,
        refundFen: refund.refundFen,
        totalFen: refund.totalFen,
        reason: refund.reason,
        notifyUrl: this.settings.config.notifyUrl,
      });
      if (state.status === 'SUCCESS') await this.db.transaction((em) => this.markRefunded(em, outRefundNo, state.refundId, new Date()), { attempts: 3 });
      else await this.db.transaction((em) => em.update(PayRefund, { outRefundNo, status: 'processing' }, { refundId: state.refundId, updatedAt: new Date() }));
      return 'sent';
    } catch (err) {
      this.logger.warn('[pay] refund %s not sent: %s', outRefundNo, (err as Error).message);
      await this.db.transaction((em) =>
        em.update(
          PayRefund,
          { outRefundNo, status: 'processing' },
          { status: 'pending', lastError: (err as Error).message.slice(0, 200), updatedAt: new Date() },
        ),
      );
      return 'failed';
    }
  }

  /** Close an unpaid trade (after its order expired or was cancelled); best effort. */
  async close(outTradeNo: string): Promise<void> {
    const res = await this.db.transaction((em) =>
      em
        .createQueryBuilder()
        .update(PayTransaction)
        .set({ status: 'closed', updatedAt: new Date() })
        .where("out_trade_no = :outTradeNo AND status = 'created'", { outTradeNo })
        .execute(),
    );
    if ((res.affected ?? 0) !== 1) return;
    const trade = await this.db.manager.findOne(PayTransaction, { where: { outTradeNo } });
    if (!trade?.prepayId) return;
    try {
      await this.gateway.close(outTradeNo);
    } catch (err) {
      // ORDERPAID: the member paid meanwhile; the notification (or the reconcile query) settles it
      this.logger.warn('[pay] close %s: %s', outTradeNo, (err as Error).message);
    }
  }

  /**
   * For trades without a notification after a minute: ask WeChat Pay (order query) and settle;
   * refunds still pending are sent again, processing ones queried.
   */
  async reconcileOpen(now = new Date(), limit = 100): Promise<{ queried: number; paid: number; refundsSent: number; refundsDone: number }> {
    const out = { queried: 0, paid: 0, refundsSent: 0, refundsDone: 0 };
    const quiet = new Date(now.getTime() - 60_000);
    const open = await this.db.manager.find(PayTransaction, {
      where: [
        { status: 'created', createdAt: LessThan(quiet), expiresAt: MoreThan(new Date(now.getTime() - 2 * 24 * 3600_000)) },
        { status: 'closed', updatedAt: MoreThan(new Date(now.getTime() - 24 * 3600_000)) },
      ],
      order: { id: 'ASC' },
      take: limit,
    });
    for (const t of open) {
      if (!t.prepayId) continue;
      out.queried++;
      try {
        const s = await this.gateway.query(t.outTradeNo);
        if (s && (s.tradeState === 'SUCCESS' || s.tradeState === 'REFUND') && s.transactionId) {
          const r = await this.db.transaction(
            (em) => this.markPaid(em, t.outTradeNo, s.transactionId!, s.amountFen, s.successTime ? new Date(s.successTime) : now),
            { attempts: 3 },
          );
          if (r === 'applied') out.paid++;
        } else if (s && t.status === 'created' && dbDate(t.expiresAt) < now && (s.tradeState === 'NOTPAY' || s.tradeState === 'CLOSED')) {
          await this.close(t.outTradeNo);
        }
      } catch (err) {
        this.logger.warn('[pay] query %s: %s', t.outTradeNo, (err as Error).message);
      }
    }
    const pending = await this.db.manager.find(PayRefund, { where: { status: 'pending' }, order: { id: 'ASC' }, take: limit });
    for (const r of pending) if ((await this.sendRefund(r.outRefundNo)) === 'sent') out.refundsSent++;
    const processing = await this.db.manager.find(PayRefund, {
      where: { status: 'processing', updatedAt: LessThan(quiet) },
      order: { id: 'ASC' },
      take: limit,
    });
    for (const r of processing) {
      try {
        const s = await this.gateway.queryRefund(r.outRefundNo);
        if (
          s?.status === 'SUCCESS' &&
          (await this.db.transaction((em) => this.markRefunded(em, r.outRefundNo, s.refundId, now), { attempts: 3 })) === 'applied'
        )
          out.refundsDone++;
        if (s && (s.status === 'CLOSED' || s.status === 'ABNORMAL')) await this.db.transaction((em) => this.markRefundFailed(em, r.outRefundNo, s.status));
      } catch (err) {
        this.logger.warn('[pay] refund query %s: %s', r.outRefundNo, (err as Error).message);
      }
    }
    return out;
  }

  /** Download the day's trade bill and list every difference from our paid trades (kept for ops). */
  async reconcileBill(billDate: string): Promise<BillReconciliation> {
    let rows;
    try {
      rows = await this.gateway.tradeBill(billDate);
    } catch (err) {
      if (err instanceof PlatformError) throw new AppError('PAY_UNAVAILABLE');
      throw err;
    }
    const [from, to] = shanghaiDayRange(billDate);
    const ours = await this.db.manager
      .createQueryBuilder(PayTransaction, 't')
      .where("t.status = 'paid' AND t.paid_at >= :from AND t.paid_at < :to", { from, to })
      .getMany();
    const bill = new Map<string, number>();
    for (const r of rows) if (r.state === 'SUCCESS') bill.set(r.outTradeNo, (bill.get(r.outTradeNo) ?? 0) + r.amountFen);
    const oursByNo = new Map(ours.map((t) => [t.outTradeNo, t.amountFen]));
    const diffs: BillReconciliation['diffs'] = [];
    const elsewhere = bill.size
      ? new Set(
          (
            await this.db.manager.find(PayTransaction, {
              where: { outTradeNo: In([...bill.keys()].filter((k) => !oursByNo.has(k))), status: 'paid' },
              select: { outTradeNo: true },
            })
          ).map((t) => t.outTradeNo),
        )
      : new Set<string>();
    for (const [no, fen] of bill) {
      const mine = oursByNo.get(no);
      if (mine === undefined && !elsewhere.has(no)) diffs.push({ outTradeNo: no, kind: 'missing_ours', oursFen: null, billFen: fen });
      else if (mine !== undefined && mine !== fen) diffs.push({ outTradeNo: no, kind: 'amount_mismatch', oursFen: mine, billFen: fen });
    }
    for (const [no, fen] of oursByNo) if (!bill.has(no)) diffs.push({ outTradeNo: no, kind: 'missing_bill', oursFen: fen, billFen: null });
    await this.db.transaction(async (em) => {
      for (const d of diffs) {
        try {
          await em.insert(PayBillDiff, {
            billDate,
            outTradeNo: d.outTradeNo.slice(0, 32),
            kind: d.kind,
            oursFen: d.oursFen,
            billFen: d.billFen,
            foundAt: new Date(),
          });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err; // found by an earlier run
        }
      }
    });
    return { billDate, billRows: rows.length, oursPaid: ours.length, diffs };
  }

  async billDiffs(billDate?: string): Promise<PayBillDiff[]> {
    return this.db.manager.find(PayBillDiff, { where: billDate ? { billDate } : {}, order: { id: 'DESC' }, take: 500 });
  }

  async refundsOf(outTradeNos: string[]): Promise<PayRefund[]> {
    if (!outTradeNos.length) return [];
    return this.db.manager.find(PayRefund, { where: { outTradeNo: In(outTradeNos) } });
  }
}
