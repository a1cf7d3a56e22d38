import { Column, Entity, Index } from 'typeorm';
import { ClaimableRow, type QueueTable } from '../../../core/queue/claimable';

export type OutboundStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

/**
 * Exactly-once outgoing WeCom effects (mass messages, tag marks, contact way updates). Written in
 * the transaction that decides the effect, with an idempotency key; a worker sends it. A row left
 * in 'sending' by a crashed worker is reconciled against WeCom before anything is sent again.
 * Lease, attempt and fence columns: `ClaimableRow` (core/queue).
 */
@Entity({ name: 'wecom_outbound' })
@Index('idx_wecom_outbound_due', ['status', 'nextAttemptAt'])
export class WecomOutbound extends ClaimableRow<OutboundStatus> {
  @Index('uq_wecom_outbound_key', { unique: true })
  @Column({ name: 'idem_key', type: 'varchar', length: 191 })
  idemKey!: string;

  /** mark_tag | msg_template | update_contact_way */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ type: 'text' })
  payload!: string;

  /** When the last attempt started (reconciliation searches WeCom from a little before this). */
  @Column({ name: 'started_at', type: 'datetime', nullable: true })
  startedAt!: Date | null;

  /** errcode WeCom answered on the last failed attempt (null = no answer: the call may have landed). */
  @Column({ name: 'last_errcode', type: 'integer', nullable: true })
  lastErrcode!: number | null;

  /** JSON result, e.g. { msgid } of add_msg_template. */
  @Column({ type: 'text', nullable: true })
  result!: string | null;

  /** What asked for it, e.g. journey_step:123 (for the ops page). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  ref!: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', nullable: true })
  sentAt!: Date | null;
}

export const OUTBOUND_QUEUE: QueueTable<WecomOutbound> = { entity: WecomOutbound, running: 'sending', leaseMs: 60_000 };
