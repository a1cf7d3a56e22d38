import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Attribution: one row per add event (customer added a staff member), with the channel its State
 * named. deleted_at is set when either side removes the friendship; counts and retention come
 * from these rows.
 */
@Entity({ name: 'wecom_channel_add' })
@Index('idx_wecom_channel_add_channel', ['channelId', 'addedAt'])
@Index('idx_wecom_channel_add_pair', ['externalUserId', 'userId'])
@Index('idx_wecom_channel_add_user_day', ['userId', 'addedAt'])
export class ChannelAdd {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The inbox row of the add event: makes recording idempotent. */
  @Index('uq_wecom_channel_add_inbox', { unique: true })
  @Column({ name: 'inbox_id', type: 'integer' })
  inboxId!: number;

  @Column({ name: 'channel_id', type: 'integer', nullable: true })
  channelId!: number | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  state!: string | null;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ name: 'referrer_member_id', type: 'integer', nullable: true })
  referrerMemberId!: number | null;

  @Column({ name: 'added_at', type: 'datetime' })
  addedAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', nullable: true })
  deletedAt!: Date | null;

  /** True when the friendship ended within 7 days of the add (7-day retention). */
  @Column({ name: 'lost_within_7d', type: 'boolean', default: false })
  lostWithin7d!: boolean;

  @Column({ name: 'delete_reason', type: 'varchar', length: 20, nullable: true })
  deleteReason!: 'customer_deleted' | 'staff_deleted' | null;
}
