/**
 * Events the journeys module listens to but no module declares yet.
 *
 * OrderPaid is the payload the WeCom engine expects from the pre-order domain (it does not exist
 * yet): journeys (order_paid trigger, "no order" conditions, the wake-up message's 上次购买) and
 * the RFM tiers (tags/rfm.service.ts) consume it. When the pre-order domain is written it should
 * emit exactly this shape (and this declaration moves there).
 */
export {};

declare module '../../core/events/types' {
  interface DomainEventMap {
    OrderPaid: {
      orderId: string;
      memberId: number;
      storeId: number | null;
      /** Paid amount in fen. */
      amountFen: number;
      /** ISO-8601 UTC. */
      paidAt: string;
      /** What was bought (names only), for "how did you like …" messages. */
      items: Array<{ name: string; qty: number }>;
    };
  }
}
