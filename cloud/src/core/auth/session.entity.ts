import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SessionSubject = 'member' | 'staff';

/** An opaque bearer session. Only the sha256 of the token is stored, so a database leak yields no usable tokens. */
@Entity({ name: 'session' })
@Index('idx_session_subject', ['subjectType', 'subjectId'])
export class SessionRow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_session_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 8 })
  subjectType!: SessionSubject;

  @Column({ name: 'subject_id', type: 'integer' })
  subjectId!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt!: Date;

  @Column({ name: 'last_seen_at', type: 'datetime', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 255, nullable: true })
  userAgent!: string | null;
}
