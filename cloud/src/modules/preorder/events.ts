/**
 * Domain events of the pre-order domain (年夜饭 and other campaigns). Journeys (order_paid trigger,
 * 上次购买), tags (RFM) and purchases (the one ledger) hear OrderPaid; referral and feedback hear
 * OrderPickedUp. Payloads carry ids and facts, no personal data.
 */
import '../../core/events/types';

declare module '../../core/events/types' {
  interface DomainEventMap {
    OrderPaid: {
      /** Our order number (also the receipt number in the purchases ledger, channel `preorder`). */
      orderId: string;
      memberId: number;
      storeId: number | null;
      /** Paid amount in fen. */
      amountFen: number;
      /** ISO-8601 UTC. */
      paidAt: string;
      /** What was bought; names for "how did you like …" messages, the rest for the ledger. */
      items: Array<{ name: string; qty: number; sku?: string; category?: string; unitPriceFen?: number; amountFen?: number }>;
      /** Discount in fen (coupons), when any. */
      discountFen?: number;
    };
    /** A paid order refunded (in whole or part): the ledger records a negative receipt. */
    OrderRefunded: { orderId: string; refundId: string; memberId: number; storeId: number | null; amountFen: number; refundedAt: string };
    /** Picked up and verified (核销) at the store. */
    OrderPickedUp: { orderId: string; memberId: number; storeId: number; pickedUpAt: string; staffId: number | null };
  }
}

export {};
