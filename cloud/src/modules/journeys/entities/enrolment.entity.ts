import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type EnrolmentStatus = 'active' | 'completed' | 'exited';

/** One customer in one journey (one episode: e.g. one stretch of inactivity). */
@Entity({ name: 'journey_enrolment' })
@Index('uq_journey_enrolment_episode', ['journeyId', 'externalUserId', 'episodeAt'], { unique: true })
@Index('idx_journey_enrolment_due', ['status', 'nextDueAt'])
/** The evaluation walks active enrolments in id order (no sort of everything that is due). */
@Index('idx_journey_enrolment_walk', ['status', 'id'])
@Index('idx_journey_enrolment_customer', ['externalUserId'])
@Index('idx_journey_enrolment_journey', ['journeyId', 'status', 'nextStep'])
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

  @Column({ name: 'exit_reason', type: 'varchar', length: 64, nullable: true })
  exitReason!: string | null;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** What happened at each step of each enrolment. */
@Entity({ name: 'journey_step_log' })
@Index('idx_journey_step_log_enrolment', ['enrolmentId', 'id'])
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

  @Column({ type: 'datetime' })
  at!: Date;
}

/** Journey messages queued per customer: the weekly cap and the monthly limit count these. */
@Entity({ name: 'journey_message' })
@Index('idx_journey_message_customer', ['externalUserId', 'at'])
export class JourneyMessage {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'enrolment_id', type: 'integer' })
  enrolmentId!: number;

  @Column({ name: 'step_index', type: 'integer' })
  stepIndex!: number;

  @Column({ type: 'datetime' })
  at!: Date;
}
