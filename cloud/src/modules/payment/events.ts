/**
 * Domain events of the payment module: the module that asked for the payment (its `purpose`)
 * hears them and settles its own records (pre-orders today; paid classes use the same path).
 */
import '../../core/events/types';

declare module '../../core/events/types' {
  interface DomainEventMap {
    /** A trade was paid (once per out_trade_no, however many notifications or queries said so). */
    PaymentSucceeded: { purpose: 'preorder' | 'class'; outTradeNo: string; transactionId: string; memberId: number; amountFen: number; paidAt: string };
    /** A refund completed (once per out_refund_no). */
    PaymentRefunded: {
      purpose: 'preorder' | 'class';
      outTradeNo: string;
      outRefundNo: string;
      refundId: string;
      memberId: number;
      amountFen: number;
      refundedAt: string;
    };
  }
}

export {};
