import { Column, Entity, Index } from 'typeorm';
import type { NoticeKind, NoticeStatus } from '../../../../../contracts/classes';
import { ClaimableRow, type QueueTable } from '../../../core/queue/claimable';

/**
 * The send record of one subscribe message, written before the send: unique (registration, kind)
 * so a reminder exists at most once, and claimed pending -> sending before the API call so a
 * crash or a second instance never sends it twice. Claim, attempt and fence columns:
 * `ClaimableRow` (core/queue); `last_error` says why a notice ended other than sent.
 */
@Entity({ name: 'class_notice' })
@Index('uq_class_notice', ['registrationId', 'kind'], { unique: true })
@Index('idx_class_notice_status', ['status', 'id'])
export class ClassNotice extends ClaimableRow<NoticeStatus> {
  @Column({ name: 'registration_id', type: 'integer' })
  registrationId!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: NoticeKind;

  @Column({ name: 'template_id', type: 'varchar', length: 64 })
  templateId!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', nullable: true })
  sentAt!: Date | null;
}

/**
 * At most once (WeChat's one accept, one message): no lease, so a claimed notice whose sender died
 * stays 'sending' and is never taken over.
 */
export const NOTICE_QUEUE: QueueTable<ClassNotice> = { entity: ClassNotice, running: 'sending', leaseMs: null };
