import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One accepted vote. The unique key (member, entry, Asia/Shanghai day) is what makes a racing
 * duplicate count once: the second insert fails, its transaction rolls back, the tally is untouched.
 */
@Entity({ name: 'contest_vote' })
@Index('uq_vote_member_entry_day', ['memberId', 'entryId', 'day'], { unique: true })
@Index('idx_vote_entry_new', ['entryId', 'newAccount', 'createdAt'])
@Index('idx_vote_contest', ['contestId', 'createdAt'])
export class ContestVote {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'contest_id', type: 'integer' })
  contestId!: number;

  @Column({ name: 'entry_id', type: 'integer' })
  entryId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  /** YYYY-MM-DD in Asia/Shanghai. */
  @Column({ type: 'varchar', length: 10 })
  day!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip!: string | null;

  /** The voter's account was created during the voting window (counted, but flagged). */
  @Column({ name: 'new_account', type: 'boolean' })
  newAccount!: boolean;

  /** Part of a burst flag raised on the entry. */
  @Column({ type: 'boolean' })
  burst!: boolean;

  @Column({ type: 'boolean' })
  voided!: boolean;

  @Column({ name: 'voided_at', type: 'datetime', nullable: true })
  voidedAt!: Date | null;

  @Column({ name: 'voided_by_staff_id', type: 'integer', nullable: true })
  voidedByStaffId!: number | null;

  @Column({ name: 'void_reason', type: 'varchar', length: 200, nullable: true })
  voidReason!: string | null;
}

/** Votes a member has used in a contest on a day; incremented only by `used = used + 1 WHERE used < limit`. */
@Entity({ name: 'contest_vote_quota' })
@Index('uq_vote_quota', ['memberId', 'contestId', 'day'], { unique: true })
export class ContestVoteQuota {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'contest_id', type: 'integer' })
  contestId!: number;

  @Column({ type: 'varchar', length: 10 })
  day!: string;

  @Column({ type: 'integer' })
  used!: number;
}
