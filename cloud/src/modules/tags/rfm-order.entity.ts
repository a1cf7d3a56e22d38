import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Order projection for RFM, fed by OrderPaid (one row per order: the event's idempotency key). */
@Entity({ name: 'rfm_order' })
@Index('idx_rfm_order_member', ['memberId', 'paidAt'])
export class RfmOrder {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_rfm_order_order', { unique: true })
  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId!: string;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'amount_fen', type: 'integer' })
  amountFen!: number;

  @Column({ name: 'paid_at', type: 'datetime' })
  paidAt!: Date;
}

/** A member's current RFM tier (recomputed nightly). */
@Entity({ name: 'member_rfm' })
export class MemberRfm {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 16 })
  tier!: string;

  @Column({ name: 'recency_days', type: 'integer' })
  recencyDays!: number;

  @Column({ name: 'frequency', type: 'integer' })
  frequency!: number;

  @Column({ name: 'monetary_fen', type: 'integer' })
  monetaryFen!: number;

  @Column({ name: 'computed_at', type: 'datetime' })
  computedAt!: Date;

  @Column({ name: 'changed_at', type: 'datetime' })
  changedAt!: Date;
}
