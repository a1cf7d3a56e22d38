import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type ActivityKind = 'visit' | 'order' | 'checkin' | 'reply' | 'contact';

/** Append-only log of what members and customers did (from domain events and staff notes). */
@Entity({ name: 'activity_log' })
@Index('idx_activity_log_member', ['memberId', 'at'])
export class ActivityLog {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64, nullable: true })
  externalUserId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind!: ActivityKind;

  @Column({ type: 'datetime' })
  at!: Date;

  /** Idempotency key of the fact, e.g. evt:<domain event id>. */
  @Index('uq_activity_log_source', { unique: true })
  @Column({ name: 'source_key', type: 'varchar', length: 80 })
  sourceKey!: string;
}

/** Per member: when they last did each kind of thing (the projection journeys compute "due" from). */
@Entity({ name: 'member_activity' })
@Index('idx_member_activity_last', ['lastInteractionAt'])
export class MemberActivity {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'last_interaction_at', type: 'datetime' })
  lastInteractionAt!: Date;

  @Column({ name: 'last_visit_at', type: 'datetime', nullable: true })
  lastVisitAt!: Date | null;

  @Column({ name: 'last_order_at', type: 'datetime', nullable: true })
  lastOrderAt!: Date | null;

  @Column({ name: 'last_checkin_at', type: 'datetime', nullable: true })
  lastCheckinAt!: Date | null;

  @Column({ name: 'last_reply_at', type: 'datetime', nullable: true })
  lastReplyAt!: Date | null;

  /** What the last order contained (for 上次购买). */
  @Column({ name: 'last_order_title', type: 'varchar', length: 64, nullable: true })
  lastOrderTitle!: string | null;
}
