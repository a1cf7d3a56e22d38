import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../../../core/json-column';

/** A suspicious pattern raised by the vote checks, for ops to look at. */
@Entity({ name: 'contest_vote_flag' })
@Index('uq_vote_flag', ['entryId', 'kind', 'windowStart'], { unique: true })
@Index('idx_vote_flag_contest', ['contestId', 'status'])
export class ContestVoteFlag {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'contest_id', type: 'integer' })
  contestId!: number;

  @Column({ name: 'entry_id', type: 'integer' })
  entryId!: number;

  @Column({ type: 'varchar', length: 32 })
  kind!: 'burst_new_accounts';

  @Column({ name: 'window_start', type: 'datetime' })
  windowStart!: Date;

  @Column({ name: 'vote_count', type: 'integer' })
  voteCount!: number;

  @Column({ name: 'raised_at', type: 'datetime' })
  raisedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  status!: 'open' | 'resolved';

  @Column({ name: 'resolved_by_staff_id', type: 'integer', nullable: true })
  resolvedByStaffId!: number | null;

  @Column({ name: 'resolved_at', type: 'datetime', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolved_note', type: 'varchar', length: 200, nullable: true })
  resolvedNote!: string | null;
}

@Entity({ name: 'contest_blocked_word' })
export class ContestBlockedWord {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 30, unique: true })
  word!: string;

  @Column({ name: 'created_by_staff_id', type: 'integer', nullable: true })
  createdByStaffId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** What ops (or the close job, staff null) did to a contest. Append-only. */
@Entity({ name: 'contest_audit' })
@Index('idx_contest_audit', ['contestId', 'at'])
export class ContestAudit {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'contest_id', type: 'integer' })
  contestId!: number;

  @Column({ name: 'staff_id', type: 'integer', nullable: true })
  staffId!: number | null;

  @Column({ type: 'varchar', length: 32 })
  action!: string;

  @Column({ name: 'target_id', type: 'integer', nullable: true })
  targetId!: number | null;

  @Column({ type: 'varchar', length: 300 })
  text!: string;

  /** JSON facts (vote ids voided, previous status …). */
  @Column({ type: 'text', transformer: jsonColumn<Record<string, unknown>>({ fallback: {} }) })
  detail!: Record<string, unknown>;

  @Column({ type: 'datetime' })
  at!: Date;
}
