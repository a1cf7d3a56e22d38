import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type EnrolmentStatus = 'active' | 'completed' | 'exited';

/** One customer in one journey (one episode: e.g. one stretch of inactivity). */
@Entity({ name: 'journey_enrolment' })
@Index('uq_journey_enrolment_episode', ['journeyId', 'externalUserId', 'episodeAt'], { unique: true })
/** The evaluation walks active enrolments in id order (no sort of everything that is due). */
@Index('idx_journey_enrolment_walk', ['status', 'id'])
@Index('idx_journey_enrolment_customer', ['externalUserId'])
export class JourneyEnrolment {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'journey_id', type: 'integer' })
  journeyId!: number;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Index('idx_journey_enrolment_member')
  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'staff_user_id', type: 'varchar', length: 64 })
  staffUserId!: string;

  /** What makes this episode distinct (1970-01-01 for once-per-customer journeys). */
  @Column({ name: 'episode_at', type: 'datetime' })
  episodeAt!: Date;

  @Column({ type: 'varchar', length: 12 })
  status!: EnrolmentStatus;

  @Column({ name: 'next_step', type: 'integer', default: 0 })
  nextStep!: number;

  @Column({ name: 'next_due_at', type: 'datetime', nullable: true })
  nextDueAt!: Date | null;

  @Column({ name: 'enrolled_at', type: 'datetime' })
  enrolledAt!: Date;

  /** Why the customer entered (shown as the first line of the step log). */
  @Column({ name: 'enrol_reason', type: 'varchar', length: 255, nullable: true })
  enrolReason!: string | null;

  @Column({ name: 'exit_reason', type: 'varchar', length: 64, nullable: true })
  exitReason!: string | null;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/**
 * What happened at each step of each enrolment. Rows of queued messages name the customer
 * (message_to): the weekly cap and WeCom's monthly limit count those.
 */
@Entity({ name: 'journey_step_log' })
@Index('idx_journey_step_log_enrolment', ['enrolmentId', 'id'])
@Index('idx_journey_step_log_message', ['messageTo', 'at'])
export class JourneyStepLog {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'enrolment_id', type: 'integer' })
  enrolmentId!: number;

  @Column({ name: 'step_index', type: 'integer', nullable: true })
  stepIndex!: number | null;

  @Column({ type: 'varchar', length: 24 })
  outcome!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  detail!: string | null;

  /** The customer a journey message was queued for (null for every other outcome). */
  @Column({ name: 'message_to', type: 'varchar', length: 64, nullable: true })
  messageTo!: string | null;

  @Column({ type: 'datetime' })
  at!: Date;
}
