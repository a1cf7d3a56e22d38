import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What a payment is for; the owning module hears PaymentSucceeded / PaymentRefunded with it. */
export type PayPurpose = 'preorder' | 'class';
export type PayTransactionStatus = 'created' | 'paid' | 'closed';

/** One WeChat Pay JSAPI trade (out_trade_no = the owner's reference, e.g. the order number). */
@Entity({ name: 'pay_transaction' })
@Index('idx_pay_transaction_status', ['status', 'createdAt'])
export class PayTransaction {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'out_trade_no', type: 'varchar', length: 32, unique: true })
  outTradeNo!: string;

  @Column({ type: 'varchar', length: 16 })
  purpose!: PayPurpose;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'amount_fen', type: 'integer' })
  amountFen!: number;

  @Column({ type: 'varchar', length: 128 })
  description!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: PayTransactionStatus;

  @Column({ name: 'prepay_id', type: 'varchar', length: 64, nullable: true })
  prepayId!: string | null;

  @Column({ name: 'transaction_id', type: 'varchar', length: 32, nullable: true })
  transactionId!: string | null;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt!: Date;

  @Column({ name: 'paid_at', type: 'datetime', nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** Every verified notification, once by WeChat's notification id (duplicates collide here). */
@Entity({ name: 'pay_notification' })
export class PayNotification {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'notification_id', type: 'varchar', length: 64, unique: true })
  notificationId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType!: string;

  @Column({ name: 'out_trade_no', type: 'varchar', length: 32, nullable: true })
  outTradeNo!: string | null;

  @Column({ name: 'out_refund_no', type: 'varchar', length: 64, nullable: true })
  outRefundNo!: string | null;

  /** applied | duplicate_state | unknown_trade | amount_mismatch */
  @Column({ type: 'varchar', length: 24 })
  outcome!: string;

  @Column({ name: 'received_at', type: 'datetime' })
  receivedAt!: Date;
}

export type PayRefundStatus = 'pending' | 'processing' | 'succeeded' | 'failed';

/** A refund we asked for (out_refund_no unique: asking twice refunds once). */
@Entity({ name: 'pay_refund' })
@Index('idx_pay_refund_status', ['status', 'updatedAt'])
export class PayRefund {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'out_refund_no', type: 'varchar', length: 64, unique: true })
  outRefundNo!: string;

  @Column({ name: 'out_trade_no', type: 'varchar', length: 32 })
  outTradeNo!: string;

  @Column({ type: 'varchar', length: 16 })
  purpose!: PayPurpose;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'refund_fen', type: 'integer' })
  refundFen!: number;

  @Column({ name: 'total_fen', type: 'integer' })
  totalFen!: number;

  @Column({ type: 'varchar', length: 80 })
  reason!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: PayRefundStatus;

  @Column({ name: 'refund_id', type: 'varchar', length: 64, nullable: true })
  refundId!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 200, nullable: true })
  lastError!: string | null;

  @Column({ name: 'refunded_at', type: 'datetime', nullable: true })
  refundedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

export type BillDiffKind = 'missing_ours' | 'missing_bill' | 'amount_mismatch';

/** A difference between WeChat Pay's trade bill of a day and our paid trades, for ops. */
@Entity({ name: 'pay_bill_diff' })
@Index('uq_pay_bill_diff', ['billDate', 'outTradeNo', 'kind'], { unique: true })
export class PayBillDiff {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'bill_date', type: 'varchar', length: 10 })
  billDate!: string;

  @Column({ name: 'out_trade_no', type: 'varchar', length: 32 })
  outTradeNo!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: BillDiffKind;

  @Column({ name: 'ours_fen', type: 'integer', nullable: true })
  oursFen!: number | null;

  @Column({ name: 'bill_fen', type: 'integer', nullable: true })
  billFen!: number | null;

  @Column({ name: 'found_at', type: 'datetime' })
  foundAt!: Date;
}
