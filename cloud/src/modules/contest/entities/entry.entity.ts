import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CheckHit } from '../../../../../contracts/contest';
import { jsonColumn } from '../../../core/json-column';

export type EntryStatusValue = 'pending' | 'approved' | 'rejected' | 'withdrawn';
export type AwardValue = 'cooking' | 'listed';

/** Snapshot of an uploaded photo, taken at submit time (the uploads module owns the file). */
export interface EntryPhoto {
  uploadId: number;
  name: string;
  thumbName: string | null;
  width: number;
  height: number;
}

@Entity({ name: 'contest_entry' })
@Index('uq_entry_member_request', ['memberId', 'clientRequestId'], { unique: true })
@Index('idx_entry_hot', ['contestId', 'status', 'voteCount', 'tallyReachedAt'])
@Index('idx_entry_new', ['contestId', 'status', 'approvedAt'])
@Index('idx_entry_member', ['memberId', 'contestId'])
@Index('uq_entry_member_slot', ['contestId', 'memberId', 'memberSlot'], { unique: true })
export class ContestEntry {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'contest_id', type: 'integer' })
  contestId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'client_request_id', type: 'varchar', length: 64 })
  clientRequestId!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 32 })
  displayName!: string;

  @Column({ type: 'varchar', length: 64 })
  title!: string;

  @Column({ type: 'text' })
  story!: string;

  @Column({ type: 'text', transformer: jsonColumn<string[]>() })
  ingredients!: string[];

  @Column({ type: 'text', transformer: jsonColumn<string[]>() })
  steps!: string[];

  @Column({ type: 'text', transformer: jsonColumn<EntryPhoto[]>() })
  photos!: EntryPhoto[];

  @Column({ type: 'varchar', length: 16 })
  status!: EntryStatusValue;

  /**
   * Which of the member's entry places in the contest this entry holds (1..perMemberPerContest);
   * null once withdrawn (the place is free again). The unique key (contest, member, slot) is the
   * per-member cap: two parallel submits cannot take the same place (see EntryService.submit).
   */
  @Column({ name: 'member_slot', type: 'integer', nullable: true })
  memberSlot!: number | null;

  @Column({ name: 'reject_reason', type: 'varchar', length: 200, nullable: true })
  rejectReason!: string | null;

  @Column({ name: 'check_hits', type: 'text', transformer: jsonColumn<CheckHit[]>() })
  checkHits!: CheckHit[];

  @Column({ name: 'auto_approved', type: 'boolean' })
  autoApproved!: boolean;

  @Column({ name: 'reviewed_by_staff_id', type: 'integer', nullable: true })
  reviewedByStaffId!: number | null;

  @Column({ name: 'reviewed_at', type: 'datetime', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'approved_at', type: 'datetime', nullable: true })
  approvedAt!: Date | null;

  /** Counted votes (not voided); changed only by conditional increments/decrements in SQL. */
  @Column({ name: 'vote_count', type: 'integer' })
  voteCount!: number;

  /** Of those, votes from accounts created during the voting window. */
  @Column({ name: 'flagged_vote_count', type: 'integer' })
  flaggedVoteCount!: number;

  @Column({ name: 'voided_vote_count', type: 'integer' })
  voidedVoteCount!: number;

  /** When the current tally was reached: the time of the latest counted vote (tie-break). */
  @Column({ name: 'tally_reached_at', type: 'datetime', nullable: true })
  tallyReachedAt!: Date | null;

  @Column({ name: 'jury_score', type: 'integer', nullable: true })
  juryScore!: number | null;

  @Column({ name: 'final_rank', type: 'integer', nullable: true })
  finalRank!: number | null;

  /** Final score × 100 (integer), frozen at close. */
  @Column({ name: 'final_score_x100', type: 'integer', nullable: true })
  finalScoreX100!: number | null;

  @Column({ name: 'final_votes', type: 'integer', nullable: true })
  finalVotes!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  award!: AwardValue | null;

  @Column({ name: 'award_confirmed_at', type: 'datetime', nullable: true })
  awardConfirmedAt!: Date | null;

  @Column({ name: 'award_listed_at', type: 'datetime', nullable: true })
  awardListedAt!: Date | null;

  @Column({ name: 'dish_name', type: 'varchar', length: 64, nullable: true })
  dishName!: string | null;

  /** Set when the menu reports the dish it created (DishCreated). */
  @Column({ name: 'dish_id', type: 'integer', nullable: true })
  dishId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
