import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A coupon record issued by a journey (until a coupon domain exists, journeys keep these). */
@Entity({ name: 'journey_coupon' })
@Index('idx_journey_coupon_member', ['memberId', 'issuedAt'])
export class JourneyCoupon {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_journey_coupon_key', { unique: true })
  @Column({ name: 'idem_key', type: 'varchar', length: 96 })
  idemKey!: string;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'enrolment_id', type: 'integer', nullable: true })
  enrolmentId!: number | null;

  @Column({ type: 'varchar', length: 40 })
  title!: string;

  @Column({ name: 'amount_fen', type: 'integer' })
  amountFen!: number;

  @Column({ name: 'min_spend_fen', type: 'integer' })
  minSpendFen!: number;

  @Column({ name: 'valid_until', type: 'datetime' })
  validUntil!: Date;

  @Column({ type: 'varchar', length: 12 })
  status!: 'issued' | 'used' | 'expired';

  @Column({ name: 'issued_at', type: 'datetime' })
  issuedAt!: Date;

  /** Set when redeemed at the till (coupons.public.ts): the receipt in the purchases ledger. */
  @Column({ name: 'redeemed_at', type: 'datetime', nullable: true })
  redeemedAt!: Date | null;

  @Column({ name: 'redeemed_receipt_id', type: 'integer', nullable: true })
  redeemedReceiptId!: number | null;
}
