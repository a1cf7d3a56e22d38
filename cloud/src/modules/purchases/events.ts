/**
 * Domain events of the purchases ledger. RFM, journeys, the timeline, referral, insight and the
 * arrival copilot hear these instead of reading the ledger's tables.
 */
import '../../core/events/types';

declare module '../../core/events/types' {
  interface DomainEventMap {
    /** A receipt entered the ledger (once per receipt; refunds have negative totals). */
    PurchaseRecorded: {
      receiptId: number;
      memberId: number | null;
      storeId: number;
      channel: 'pos' | 'miniprogram' | 'preorder';
      /** Net paid total in fen (negative for a refund). */
      totalFen: number;
      discountFen: number;
      /** ISO-8601 UTC, when the purchase happened. */
      occurredAt: string;
      refundOf: number | null;
      items: Array<{ sku: string | null; name: string; category: string | null; qty: number; amountFen: number }>;
      couponCodes: string[];
    };
    /** A member showed up in a store (member code at the till, class check-in, order pickup). */
    MemberArrived: { memberId: number; storeId: number; via: 'member_code' | 'checkin' | 'pickup'; at: string };
    /** Receipts left the ledger (an import undone as a whole): projections drop them. */
    PurchasesVoided: { receiptIds: number[]; storeId: number; reason: 'import_undone' };
  }
}

export {};
