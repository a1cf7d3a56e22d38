/**
 * Journeys' public face for coupons at the till (issue 11). A journey coupon is redeemed by a code
 * derived from its id and a server key (`Q` + id in base 36 + 6 signature chars), so the coupon
 * rows need no extra column and a guessed code fails the signature. Redemption is one conditional
 * UPDATE (status issued → used, still valid), so parallel receipts carrying the same code redeem it
 * exactly once; the minimum spend is checked against the receipt's amount before discounts.
 * (Issue 18 adds the member's read-only coupon list next to this file; it shows `couponCode(id)`.)
 */
import { createHmac } from 'crypto';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import { EventBus } from '../../core/events/event-bus';
import { JourneyCoupon } from './entities/coupon.entity';
import { JourneyEnrolment } from './entities/enrolment.entity';
import './events';

const secret = () => process.env.COUPON_CODE_SECRET || 'dev-coupon-code-secret-change-me';

function sign(id: number): string {
  return createHmac('sha256', secret())
    .update(`coupon:${id}`)
    .digest('base64url')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 6)
    .toUpperCase();
}

/** The code a member shows (and the till scans) for coupon `id`. */
export function couponCode(id: number): string {
  return `Q${id.toString(36).toUpperCase()}${sign(id)}`;
}

/** The coupon id behind a code, or null when the code is malformed or its signature is wrong. */
export function couponIdOf(code: string): number | null {
  const m = /^Q([0-9A-Z]{1,8})([0-9A-Z]{6})$/.exec(String(code).trim().toUpperCase());
  if (!m) return null;
  const id = parseInt(m[1], 36);
  return Number.isSafeInteger(id) && id > 0 && sign(id) === m[2] ? id : null;
}

export type RedeemRefusal = 'COUPON_INVALID' | 'COUPON_USED' | 'COUPON_EXPIRED' | 'COUPON_MIN_SPEND' | 'COUPON_NOT_OWNER';
export type RedeemOutcome = { ok: true; couponId: number; title: string; amountFen: number } | { ok: false; reason: RedeemRefusal };

export interface RedeemReceipt {
  receiptId: number;
  memberId: number | null;
  /** Net paid plus discounts: what the minimum spend is checked against. */
  grossFen: number;
  at: Date;
}

/** Pure: may this coupon be used on this receipt (before the conditional write)? */
export function redeemCheck(c: Pick<JourneyCoupon, 'status' | 'validUntil' | 'minSpendFen' | 'memberId'>, r: RedeemReceipt): RedeemRefusal | null {
  if (c.status === 'used') return 'COUPON_USED';
  if (c.status !== 'issued' || new Date(c.validUntil).getTime() <= r.at.getTime()) return 'COUPON_EXPIRED';
  if (c.memberId != null && r.memberId != null && c.memberId !== r.memberId) return 'COUPON_NOT_OWNER';
  if (r.grossFen < c.minSpendFen) return 'COUPON_MIN_SPEND';
  return null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class CouponRedemption {
  @Inject()
  bus!: EventBus;

  /** Redeem `code` against a receipt, inside the caller's transaction; exactly once per coupon (announced as CouponRedeemed). */
  async redeem(em: EntityManager, code: string, receipt: RedeemReceipt): Promise<RedeemOutcome> {
    const id = couponIdOf(code);
    if (!id) return { ok: false, reason: 'COUPON_INVALID' };
    const c = await em.findOne(JourneyCoupon, { where: { id } });
    if (!c) return { ok: false, reason: 'COUPON_INVALID' };
    const refusal = redeemCheck(c, receipt);
    if (refusal) return { ok: false, reason: refusal };
    const done = await em
      .createQueryBuilder()
      .update(JourneyCoupon)
      .set({ status: 'used', redeemedAt: receipt.at, redeemedReceiptId: receipt.receiptId })
      .where('id = :id AND status = :issued AND valid_until > :at', { id, issued: 'issued', at: receipt.at })
      .execute();
    if (!done.affected) return { ok: false, reason: 'COUPON_USED' };
    // the issuing step: the coupon's key is journey:<enrolment>:<step>
    const step = /^journey:\d+:(\d+)$/.exec(c.idemKey);
    const enrolment =
      c.enrolmentId === null ? null : await em.findOne(JourneyEnrolment, { where: { id: c.enrolmentId }, select: { id: true, journeyId: true } });
    await this.bus.emit(em, 'CouponRedeemed', {
      couponId: id,
      memberId: c.memberId,
      journeyId: enrolment?.journeyId ?? null,
      stepIndex: step ? Number(step[1]) : null,
      receiptId: receipt.receiptId,
      at: receipt.at.toISOString(),
    });
    return { ok: true, couponId: id, title: c.title, amountFen: c.amountFen };
  }

  /**
   * Receipts left the ledger (an import undone): the coupons they redeemed can be used again
   * (back to issued, redemption cleared; validity is checked again at the next redemption).
   */
  async releaseForReceipts(em: EntityManager, receiptIds: number[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < receiptIds.length; i += 500) {
      const r = await em.update(
        JourneyCoupon,
        { status: 'used', redeemedReceiptId: In(receiptIds.slice(i, i + 500)) },
        { status: 'issued', redeemedAt: null, redeemedReceiptId: null },
      );
      n += r.affected ?? 0;
    }
    return n;
  }
}

/** A coupon another module gives a member (a referral reward): the same row, code and till path as a journey's. */
export interface MemberCouponGrant {
  /** Idempotency: the same key issues one coupon however often it is asked (e.g. `referral:<reward id>`). */
  key: string;
  memberId: number;
  title: string;
  amountFen: number;
  minSpendFen: number;
  validDays: number;
  at: Date;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class CouponGrants {
  /**
   * Issue (inside the caller's transaction) the coupon for `grant.key` unless it exists; its id
   * either way. Race-safe: the insert skips a key that is already there (on MySQL it waits for a
   * concurrent transaction writing the same key, then skips), and the id is read with a locking
   * read, which sees the latest committed row rather than this transaction's snapshot. So two
   * deliveries granting one reward at once both answer the one coupon, neither fails.
   */
  async grant(em: EntityManager, grant: MemberCouponGrant): Promise<number> {
    const idemKey = grant.key.slice(0, 96);
    await em
      .createQueryBuilder()
      .insert()
      .into(JourneyCoupon)
      .values({
        idemKey,
        memberId: grant.memberId,
        externalUserId: '', // not sent through WeCom: the member sees it in 「我的优惠券」
        enrolmentId: null,
        title: grant.title.slice(0, 40),
        amountFen: grant.amountFen,
        minSpendFen: grant.minSpendFen,
        validUntil: new Date(grant.at.getTime() + grant.validDays * 86_400_000),
        status: 'issued',
        issuedAt: grant.at,
        redeemedAt: null,
        redeemedReceiptId: null,
      })
      // the key already there: nothing changes (MySQL ON DUPLICATE KEY, SQLite ON CONFLICT)
      .orUpdate(['idem_key'], ['idem_key'])
      .updateEntity(false)
      .execute();
    const row = await em.findOne(JourneyCoupon, {
      where: { idemKey },
      select: { id: true },
      ...(em.connection.options.type === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return row!.id;
  }
}
