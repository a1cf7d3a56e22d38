/** Tables of the feedback module: feedback, prompts, signals, settings, churn, roster, arrivals. */
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ClaimableRow, type QueueTable } from '../../../core/queue/claimable';
import type { ClassifierRule, LostAlert as LostAlertView } from '../../../../../contracts/feedback';
import { jsonColumn } from '../../../core/json-column';

export type FeedbackSource = 'class' | 'pickup' | 'receipt' | 'box';
export type FeedbackStatus = 'new' | 'assigned' | 'answered' | 'resolved';

/** A member's feedback photo (their own upload). */
export type FeedbackPhoto = { url: string; thumbUrl: string };

@Entity({ name: 'feedback_item' })
@Index('idx_feedback_item_store', ['storeId', 'createdAt'])
@Index('idx_feedback_item_member', ['memberId', 'id'])
export class FeedbackItem {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** Natural key of the moment (class registration, prompt, box note): a retried handler adds nothing. */
  @Index('uq_feedback_item_source', { unique: true })
  @Column({ name: 'source_key', type: 'varchar', length: 80 })
  sourceKey!: string;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 12 })
  source!: FeedbackSource;

  @Column({ type: 'varchar', length: 80, nullable: true })
  title!: string | null;

  @Column({ type: 'integer', nullable: true })
  rating!: number | null;

  @Column({ type: 'integer', nullable: true })
  recommend!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  comment!: string | null;

  /** JSON [{url, thumbUrl}] of the member's photos (uploads they own). */
  @Column({ type: 'text', nullable: true, transformer: jsonColumn<FeedbackPhoto[]>({ nullable: true }) })
  photos!: FeedbackPhoto[] | null;

  /** Comma-separated topics. */
  @Column({ type: 'varchar', length: 64 })
  topics!: string;

  @Column({ type: 'varchar', length: 10 })
  sentiment!: 'positive' | 'neutral' | 'negative';

  @Column({ type: 'varchar', length: 255 })
  matched!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: FeedbackStatus;

  @Column({ name: 'assignee_id', type: 'integer', nullable: true })
  assigneeId!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  answer!: string | null;

  @Column({ name: 'answered_via', type: 'varchar', length: 12, nullable: true })
  answeredVia!: 'clerk' | 'miniprogram' | null;

  @Column({ name: 'answered_at', type: 'datetime', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'resolved_at', type: 'datetime', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'published_said', type: 'varchar', length: 200, nullable: true })
  publishedSaid!: string | null;

  @Column({ name: 'published_changed', type: 'varchar', length: 300, nullable: true })
  publishedChanged!: string | null;

  @Index('idx_feedback_item_published')
  @Column({ name: 'published_at', type: 'datetime', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** A moment waiting for the member's rating (pickup, receipt). */
@Entity({ name: 'feedback_prompt' })
@Index('idx_feedback_prompt_member', ['memberId', 'answeredAt'])
export class FeedbackPrompt {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_feedback_prompt_source', { unique: true })
  @Column({ name: 'source_key', type: 'varchar', length: 80 })
  sourceKey!: string;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 12 })
  kind!: 'pickup' | 'receipt';

  @Column({ type: 'varchar', length: 80 })
  title!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'answered_at', type: 'datetime', nullable: true })
  answeredAt!: Date | null;
}

/** What members did, by kind (the churn score's input); one row per fact. */
@Entity({ name: 'feedback_signal' })
@Index('idx_feedback_signal_member', ['memberId', 'at'])
export class FeedbackSignal {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_feedback_signal_source', { unique: true })
  @Column({ name: 'source_key', type: 'varchar', length: 80 })
  sourceKey!: string;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 12 })
  /** 'message': a private message our staff sent (the no-response signal), not a sign of life. */
  kind!: 'interaction' | 'visit' | 'purchase' | 'message';

  @Column({ type: 'datetime' })
  at!: Date;
}

/** One row (id 1): the classifier rules and the win-back journey per cause, as JSON. */
@Entity({ name: 'feedback_settings' })
export class FeedbackSettings {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'classifier_rules', type: 'text', nullable: true, transformer: jsonColumn<ClassifierRule[]>({ nullable: true }) })
  classifierRules!: ClassifierRule[] | null;

  @Column({ name: 'winback', type: 'text', nullable: true, transformer: jsonColumn<Record<string, number>>({ nullable: true }) })
  winback!: Record<string, number | null> | null;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

@Entity({ name: 'churn_case' })
@Index('idx_churn_case_member', ['memberId'])
export class ChurnCase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 20 })
  cause!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  note!: string | null;

  @Column({ name: 'journey_id', type: 'integer', nullable: true })
  journeyId!: number | null;

  @Column({ type: 'boolean', default: false })
  enrolled!: boolean;

  /** 消息太多: the member's automated journey messages were stopped when the case was recorded. */
  @Column({ type: 'boolean', default: false })
  quieted!: boolean;

  @Column({ name: 'recorded_by', type: 'integer', nullable: true })
  recordedBy!: number | null;

  @Column({ name: 'recorded_at', type: 'datetime' })
  recordedAt!: Date;
}

@Entity({ name: 'churn_lost_alert' })
@Index('idx_churn_lost_alert_store', ['storeId', 'id'])
export class LostAlert {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** evt:<domain event id>: one alert per callback however often it is delivered. */
  @Index('uq_churn_lost_alert_source', { unique: true })
  @Column({ name: 'source_key', type: 'varchar', length: 80 })
  sourceKey!: string;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'staff_user_id', type: 'varchar', length: 64 })
  staffUserId!: string;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 20 })
  reason!: 'customer_deleted' | 'staff_deleted';

  /** JSON [{at, text}]. */
  @Column({ name: 'last_activities', type: 'text', transformer: jsonColumn<LostAlertView['lastActivities']>({ fallback: [] }) })
  lastActivities!: LostAlertView['lastActivities'];

  @Column({ type: 'datetime' })
  at!: Date;
}

/** Members who opted out of personalisation (no row = personalised). */
@Entity({ name: 'member_personalisation' })
export class MemberPersonalisation {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'boolean', default: true })
  personalised!: boolean;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** Weekly shift roster: who is on shift at which store when (Beijing weekday and times). */
@Entity({ name: 'staff_shift' })
@Index('idx_staff_shift_store', ['storeId', 'weekday'])
export class StaffShift {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ name: 'staff_id', type: 'integer' })
  staffId!: number;

  @Column({ type: 'integer' })
  weekday!: number;

  @Column({ name: 'start_hm', type: 'varchar', length: 5 })
  start!: string;

  @Column({ name: 'end_hm', type: 'varchar', length: 5 })
  end!: string;
}

/** One row per member per store per Beijing day: the unique key is what makes "one notice per visit". */
@Entity({ name: 'member_arrival' })
@Index('uq_member_arrival_visit', ['memberId', 'storeId', 'visitDay'], { unique: true })
@Index('idx_member_arrival_store', ['storeId', 'arrivedAt'])
export class MemberArrival {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  /** YYYY-MM-DD in Beijing. */
  @Column({ name: 'visit_day', type: 'varchar', length: 10 })
  visitDay!: string;

  @Column({ type: 'varchar', length: 12 })
  via!: 'member_code' | 'checkin' | 'pickup';

  @Column({ name: 'arrived_at', type: 'datetime' })
  arrivedAt!: Date;

  @Column({ type: 'varchar', length: 255 })
  profile!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  suggestion!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason!: string | null;

  /** WeCom userids notified, comma-separated. */
  @Column({ type: 'varchar', length: 255 })
  notified!: string;
}

export type FeedbackNoticeKind = 'rating' | 'answer';

/**
 * Subscribe-message accepts the member gave for feedback templates (wx.requestSubscribeMessage):
 * WeChat allows one message per accept, so this is a count spent one per message.
 */
@Entity({ name: 'feedback_subscription' })
@Index('uq_feedback_subscription', ['memberId', 'kind'], { unique: true })
export class FeedbackSubscription {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 12 })
  kind!: FeedbackNoticeKind;

  @Column({ type: 'integer' })
  credits!: number;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/**
 * One subscribe message (rating prompt, answer to feedback), written with its content before the
 * send, unique per (kind, moment); claimed pending → sending before the call, never sent twice.
 * Claim, due time (`next_attempt_at`), attempt and last-error columns: `ClaimableRow` (core/queue).
 */
@Entity({ name: 'feedback_notice' })
@Index('uq_feedback_notice', ['kind', 'sourceKey'], { unique: true })
@Index('idx_feedback_notice_due', ['status', 'nextAttemptAt'])
@Index('idx_feedback_notice_member', ['memberId'])
export class FeedbackNotice extends ClaimableRow<'pending' | 'sending' | 'sent' | 'refused' | 'failed' | 'skipped'> {
  @Column({ type: 'varchar', length: 12 })
  kind!: FeedbackNoticeKind;

  @Column({ name: 'source_key', type: 'varchar', length: 80 })
  sourceKey!: string;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'template_id', type: 'varchar', length: 64 })
  templateId!: string;

  @Column({ type: 'varchar', length: 255 })
  page!: string;

  /** JSON of the template fields ({ thing1: { value } … }). */
  @Column({ type: 'text', transformer: jsonColumn<Record<string, { value: string }>>({ fallback: {} }) })
  data!: Record<string, { value: string }>;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', nullable: true })
  sentAt!: Date | null;
}

/** At most once (one accept, one message): no lease, a claimed message whose sender died is never taken over. */
export const FEEDBACK_NOTICE_QUEUE: QueueTable<FeedbackNotice> = { entity: FeedbackNotice, running: 'sending', leaseMs: null };
