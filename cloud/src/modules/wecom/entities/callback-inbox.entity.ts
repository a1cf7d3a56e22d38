import { Column, Entity, Index } from 'typeorm';
import { ClaimableRow, type QueueTable } from '../../../core/queue/claimable';

export type InboxStatus = 'pending' | 'processing' | 'done' | 'failed';

/**
 * The durable callback queue: one row per distinct WeCom event (WeCom's retries of the same event
 * hit the unique dedupe key and are answered `success` without a second row). The callback answers
 * right after this insert; the worker processes the row (welcome first). Lease, attempt and fence
 * columns: `ClaimableRow` (core/queue).
 */
@Entity({ name: 'wecom_callback_inbox' })
@Index('idx_wecom_inbox_due', ['status', 'nextAttemptAt'])
export class CallbackInbox extends ClaimableRow<InboxStatus> {
  /** sha1 of ToUserName|FromUserName|CreateTime|Event|ChangeType|ExternalUserID|UserID|ChatId|TagId|… */
  @Index('uq_wecom_inbox_dedupe', { unique: true })
  @Column({ name: 'dedupe_key', type: 'varchar', length: 40 })
  dedupeKey!: string;

  @Column({ type: 'varchar', length: 64 })
  event!: string;

  @Column({ name: 'change_type', type: 'varchar', length: 64, nullable: true })
  changeType!: string | null;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64, nullable: true })
  externalUserId!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 64, nullable: true })
  userId!: string | null;

  /** The decrypted event fields as JSON (WelcomeCode included: it is useless after 20 s). */
  @Column({ type: 'text' })
  payload!: string;

  /** CreateTime of the event (second precision). */
  @Column({ name: 'event_at', type: 'datetime' })
  eventAt!: Date;

  @Column({ name: 'received_at', type: 'datetime' })
  receivedAt!: Date;

  @Column({ name: 'processed_at', type: 'datetime', nullable: true })
  processedAt!: Date | null;
}

export const INBOX_QUEUE: QueueTable<CallbackInbox> = { entity: CallbackInbox, running: 'processing', leaseMs: 60_000 };
