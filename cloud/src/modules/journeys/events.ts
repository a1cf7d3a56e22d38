/**
 * OrderPaid, which journeys hear (order_paid trigger, "no order" conditions, 上次购买), is declared
 * by the pre-order domain: modules/preorder/events.ts.
 */
import '../preorder/events';

export {};
