/**
 * Read models of the insight module, filled only from other modules' events and public read
 * services (never their tables): members, member purchases, activities, WeCom contacts; the
 * refreshed figure snapshots; ops settings; A/B tests and their assignments.
 */
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'insight_member' })
@Index('idx_insight_member_store', ['storeId'])
export class InsightMember {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ name: 'household_id', type: 'integer', nullable: true })
  householdId!: number | null;

  /** with_children | adults (share-of-wallet estimate, ROI matching). */
  @Column({ name: 'household_kind', type: 'varchar', length: 16, nullable: true })
  householdKind!: 'with_children' | 'adults' | null;

  @Column({ name: 'owner_staff_id', type: 'integer', nullable: true })
  ownerStaffId!: number | null;

  @Column({ name: 'registered_at', type: 'datetime' })
  registeredAt!: Date;
}

/** A member's receipt (refunds negative); receipts without a member are not member figures. */
@Entity({ name: 'insight_purchase' })
@Index('idx_insight_purchase_member_cover', ['memberId', 'occurredAt', 'totalFen'])
@Index('idx_insight_purchase_time', ['occurredAt'])
export class InsightPurchase {
  @PrimaryColumn({ name: 'receipt_id', type: 'integer' })
  receiptId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ name: 'total_fen', type: 'integer' })
  totalFen!: number;

  /** JSON {category: fen} of the lines (sales only). */
  @Column({ type: 'varchar', length: 500 })
  categories!: string;

  /** Σ of the category amounts above (the high-margin share's denominator, summed in SQL). */
  @Column({ name: 'lines_fen', type: 'integer', default: 0 })
  linesFen!: number;

  @Column({ name: 'occurred_at', type: 'datetime' })
  occurredAt!: Date;
}

@Entity({ name: 'insight_activity' })
@Index('idx_insight_activity_member_cover', ['memberId', 'at', 'kind'])
@Index('idx_insight_activity_time', ['at'])
export class InsightActivity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** Natural key of the moment: a redelivered event adds nothing. */
  @Index('uq_insight_activity_source', { unique: true })
  @Column({ name: 'source_key', type: 'varchar', length: 80 })
  sourceKey!: string;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  /** vote | entry | registration | checkin | reply | visit | review | panel */
  @Column({ type: 'varchar', length: 12 })
  kind!: string;

  @Column({ type: 'datetime' })
  at!: Date;
}

@Entity({ name: 'insight_contact' })
@Index('idx_insight_contact_time', ['at'])
export class InsightContact {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_insight_contact_source', { unique: true })
  @Column({ name: 'source_key', type: 'varchar', length: 160 })
  sourceKey!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'added' | 'lost';

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'channel_kind', type: 'varchar', length: 24, nullable: true })
  channelKind!: string | null;

  @Column({ type: 'boolean', default: false })
  referral!: boolean;

  @Column({ type: 'datetime' })
  at!: Date;
}

/** Figures of one scope and period as last computed (the job refreshes the standard periods). */
@Entity({ name: 'insight_snapshot' })
@Index('uq_insight_snapshot', ['scope', 'periodFrom', 'periodTo'], { unique: true })
export class InsightSnapshot {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** chain | store:<id> | owner:<staffId> */
  @Column({ type: 'varchar', length: 40 })
  scope!: string;

  @Column({ name: 'period_from', type: 'varchar', length: 10 })
  periodFrom!: string;

  @Column({ name: 'period_to', type: 'varchar', length: 10 })
  periodTo!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'computed_at', type: 'datetime' })
  computedAt!: Date;
}

@Entity({ name: 'insight_settings' })
export class InsightSettingsRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

@Entity({ name: 'insight_ab_test' })
@Index('idx_insight_ab_test_step', ['journeyId', 'stepIndex', 'status'])
export class AbTest {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  name!: string;

  /** message: the step's copy varies; coupon: the coupon a coupon step issues varies. */
  @Column({ type: 'varchar', length: 10, default: 'message' })
  kind!: 'message' | 'coupon';

  @Column({ name: 'journey_id', type: 'integer' })
  journeyId!: number;

  @Column({ name: 'step_index', type: 'integer' })
  stepIndex!: number;

  /** reply | visit | purchase | redeem (the issued coupon) within window_days of the send. */
  @Column({ type: 'varchar', length: 12 })
  goal!: 'reply' | 'visit' | 'purchase' | 'redeem';

  @Column({ name: 'window_days', type: 'integer' })
  windowDays!: number;

  /** Exploration floor per variant, in permille. */
  @Column({ name: 'floor_permille', type: 'integer' })
  floorPermille!: number;

  /** JSON [{label, text}] (coupons: {label, text = title, amountFen, minSpendFen}). */
  @Column({ type: 'text' })
  variants!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: 'running' | 'stopped';

  @Column({ type: 'integer', nullable: true })
  winner!: number | null;

  @Column({ name: 'created_by', type: 'integer' })
  createdBy!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'stopped_at', type: 'datetime', nullable: true })
  stoppedAt!: Date | null;
}

@Entity({ name: 'insight_ab_assignment' })
@Index('uq_insight_ab_assignment', ['testId', 'memberId'], { unique: true })
@Index('idx_insight_ab_assignment_member', ['memberId', 'convertedAt'])
export class AbAssignment {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'test_id', type: 'integer' })
  testId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'integer' })
  variant!: number;

  @Column({ name: 'assigned_at', type: 'datetime' })
  assignedAt!: Date;

  @Column({ name: 'converted_at', type: 'datetime', nullable: true })
  convertedAt!: Date | null;
}

/** A member of the customer advisory panel (顾客顾问团) since joining: 共创层 while on it. */
@Entity({ name: 'insight_panel_member' })
export class InsightPanelMember {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'joined_at', type: 'datetime' })
  joinedAt!: Date;
}

/** A drill-down saved as a member segment (a journey audience, a WeCom tag). */
@Entity({ name: 'insight_segment' })
@Index('idx_insight_segment_scope', ['scope', 'createdAt'])
export class InsightSegment {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  name!: string;

  @Column({ type: 'varchar', length: 40 })
  scope!: string;

  @Column({ type: 'varchar', length: 20 })
  figure!: string;

  @Column({ name: 'period_from', type: 'varchar', length: 10 })
  periodFrom!: string;

  @Column({ name: 'period_to', type: 'varchar', length: 10 })
  periodTo!: string;

  @Column({ type: 'integer' })
  members!: number;

  @Column({ name: 'created_by', type: 'integer' })
  createdBy!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  /** The tag granted to its members (our tags sync to WeCom), once ops tagged it. */
  @Column({ name: 'tag_name', type: 'varchar', length: 30, nullable: true })
  tagName!: string | null;
}

@Entity({ name: 'insight_segment_member' })
@Index('uq_insight_segment_member', ['segmentId', 'memberId'], { unique: true })
export class InsightSegmentMember {
  @PrimaryColumn({ name: 'segment_id', type: 'integer' })
  segmentId!: number;

  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;
}

/** The ROI board of one scope for one calendar month (Asia/Shanghai), kept by the monthly job. */
@Entity({ name: 'insight_roi_month' })
@Index('uq_insight_roi_month', ['scope', 'month'], { unique: true })
export class InsightRoiMonth {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  scope!: string;

  /** YYYY-MM */
  @Column({ type: 'varchar', length: 7 })
  month!: string;

  /** JSON {classes, contests} RoiView. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'computed_at', type: 'datetime' })
  computedAt!: Date;
}
