import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { RegistrationStatus } from '../../../../../contracts/classes';
import { jsonColumn } from '../../../core/json-column';

export type CheckInMethod = 'staff_scan' | 'staff_code' | 'member_scan';

/**
 * A member's booking of one session for their household. Unique per (session, member): a
 * cancelled row is reused when the member registers again.
 */
@Entity({ name: 'class_registration' })
@Index('uq_class_reg_member', ['sessionId', 'memberId'], { unique: true })
@Index('uq_class_reg_code', ['sessionId', 'shortCode'], { unique: true })
@Index('idx_class_reg_queue', ['sessionId', 'status', 'arrivalSeq'])
@Index('idx_class_reg_member', ['memberId', 'status'])
@Index('idx_class_reg_rated', ['ratedAt'])
@Index('idx_class_reg_pay_due', ['status', 'payExpiresAt'])
export class ClassRegistration {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'session_id', type: 'integer' })
  sessionId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'household_id', type: 'integer', nullable: true })
  householdId!: number | null;

  @Column({ type: 'integer' })
  adults!: number;

  @Column({ type: 'integer' })
  children!: number;

  /** JSON array of ages, one per child. */
  @Column({ name: 'child_ages', type: 'varchar', length: 64, nullable: true, transformer: jsonColumn<number[]>({ nullable: true }) })
  childAges!: number[] | null;

  @Column({ type: 'varchar', length: 16 })
  status!: RegistrationStatus | 'pending';

  /** The session's acceptance counter when this registration got its seat or waitlist place. */
  @Column({ name: 'arrival_seq', type: 'integer', nullable: true })
  arrivalSeq!: number | null;

  @Column({ name: 'short_code', type: 'varchar', length: 8 })
  shortCode!: string;

  @Index('uq_class_reg_token', { unique: true })
  @Column({ name: 'checkin_token', type: 'varchar', length: 32 })
  checkinToken!: string;

  @Column({ name: 'sub_24h', type: 'boolean' })
  sub24h!: boolean;

  @Column({ name: 'sub_2h', type: 'boolean' })
  sub2h!: boolean;

  @Column({ name: 'sub_promoted', type: 'boolean' })
  subPromoted!: boolean;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'promoted_at', type: 'datetime', nullable: true })
  promotedAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'datetime', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'cancelled_by', type: 'varchar', length: 8, nullable: true })
  cancelledBy!: 'member' | 'ops' | 'timeout' | null;

  @Column({ name: 'checked_in_at', type: 'datetime', nullable: true })
  checkedInAt!: Date | null;

  @Column({ name: 'checked_in_by_staff_id', type: 'integer', nullable: true })
  checkedInByStaffId!: number | null;

  @Column({ name: 'checkin_method', type: 'varchar', length: 16, nullable: true })
  checkinMethod!: CheckInMethod | null;

  @Column({ type: 'integer', nullable: true })
  stars!: number | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'rated_at', type: 'datetime', nullable: true })
  ratedAt!: Date | null;

  // ---- paid classes (the trade itself is the payment module's; these are our side of it)

  /** WeChat Pay out_trade_no of this registration attempt (a reused row gets a new one). */
  @Index('uq_class_reg_trade', { unique: true })
  @Column({ name: 'trade_no', type: 'varchar', length: 32, nullable: true })
  tradeNo!: string | null;

  /** While `unpaid`: the held seat is released after this. */
  @Column({ name: 'pay_expires_at', type: 'datetime', nullable: true })
  payExpiresAt!: Date | null;

  /** The session's price when registering (0 = free). */
  @Column({ name: 'price_fen', type: 'integer', default: 0 })
  priceFen!: number;

  @Column({ name: 'paid_at', type: 'datetime', nullable: true })
  paidAt!: Date | null;

  /** Refund asked for (in full); `refundedAt` once WeChat Pay confirmed it. */
  @Column({ name: 'refund_fen', type: 'integer', default: 0 })
  refundFen!: number;

  @Column({ name: 'refunded_at', type: 'datetime', nullable: true })
  refundedAt!: Date | null;
}
