/**
 * Journeys hear PurchaseRecorded (order_paid trigger, "no order" conditions, 上次购买), declared by
 * the purchases ledger (modules/purchases/events.ts): paid pre-orders reach journeys through it.
 */
import '../purchases/events';

export {};
