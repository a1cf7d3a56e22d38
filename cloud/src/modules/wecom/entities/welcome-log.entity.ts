import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type WelcomeStatus = 'sent' | 'already_sent' | 'other_app_sending' | 'expired' | 'failed' | 'no_code';

/** One row per add event's welcome: what happened and how long after the event. */
@Entity({ name: 'wecom_welcome_log' })
@Index('idx_wecom_welcome_sent', ['sentAt'])
export class WelcomeLog {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_wecom_welcome_inbox', { unique: true })
  @Column({ name: 'inbox_id', type: 'integer' })
  inboxId!: number;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Index('idx_wecom_welcome_channel')
  @Column({ name: 'channel_id', type: 'integer', nullable: true })
  channelId!: number | null;

  @Column({ name: 'event_at', type: 'datetime' })
  eventAt!: Date;

  @Column({ name: 'received_at', type: 'datetime' })
  receivedAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', nullable: true })
  sentAt!: Date | null;

  /** Event CreateTime -> send answered (CreateTime has whole seconds). */
  @Column({ name: 'delay_ms', type: 'integer', nullable: true })
  delayMs!: number | null;

  /** Callback received -> send answered. */
  @Column({ name: 'processing_ms', type: 'integer', nullable: true })
  processingMs!: number | null;

  @Column({ type: 'varchar', length: 20 })
  status!: WelcomeStatus;

  @Column({ type: 'integer', nullable: true })
  errcode!: number | null;
}
