import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One accepted vote, written by a single INSERT. Two unique keys make the limits hold under races:
 * (member, entry, Asia/Shanghai day) — a racing duplicate counts once — and (member, contest, day,
 * slot) with slot in 1..votesPerDay — a member never holds more than votesPerDay votes a day.
 */
@Entity({ name: 'contest_vote' })
@Index('uq_vote_member_entry_day', ['memberId', 'entryId', 'day'], { unique: true })
@Index('uq_vote_slot', ['memberId', 'contestId', 'day', 'slot'], { unique: true })
@Index('idx_vote_entry_tally', ['entryId', 'voided', 'newAccount', 'createdAt'])
@Index('idx_vote_event_pending', ['eventPending', 'id'])
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

  /** This vote's number among the member's votes in the contest that day (1..votesPerDay); voiding does not free it. */
  @Column({ type: 'integer' })
  slot!: number;

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

  /** A member-day's first vote whose ContestVoted event the relay has not emitted yet. */
  @Column({ name: 'event_pending', type: 'boolean' })
  eventPending!: boolean;
}
