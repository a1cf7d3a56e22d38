/**
 * Journeys hear PurchaseRecorded (order_paid trigger, "no order" conditions, 上次购买), declared by
 * the purchases ledger (modules/purchases/events.ts): paid pre-orders reach journeys through it.
 */
import '../purchases/events';

declare module '../../core/events/types' {
  interface DomainEventMap {
    /**
     * A journey coupon was redeemed at the till (with a new receipt, or verified by a clerk against
     * a stored one): the coupon, its member, and the journey step that issued it (insight's coupon
     * A/B tests convert on it).
     */
    CouponRedeemed: { couponId: number; memberId: number | null; journeyId: number | null; stepIndex: number | null; receiptId: number; at: string };
  }
}

export {};
