import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { NoticeKind, NoticeStatus } from '../../../../../contracts/classes';

/**
 * The send record of one subscribe message, written before the send: unique (registration, kind)
 * so a reminder exists at most once, and claimed pending -> sending before the API call so a
 * crash or a second instance never sends it twice.
 */
@Entity({ name: 'class_notice' })
@Index('uq_class_notice', ['registrationId', 'kind'], { unique: true })
@Index('idx_class_notice_status', ['status', 'id'])
export class ClassNotice {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'registration_id', type: 'integer' })
  registrationId!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: NoticeKind;

  @Column({ type: 'varchar', length: 16 })
  status!: NoticeStatus;

  @Column({ name: 'template_id', type: 'varchar', length: 64 })
  templateId!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', nullable: true })
  sentAt!: Date | null;
}
