import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ContestStatus = 'draft' | 'published' | 'closed';

@Entity({ name: 'contest' })
@Index('idx_contest_status_vote_end', ['status', 'voteEndAt'])
export class Contest {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 60 })
  title!: string;

  @Column({ name: 'cover_url', type: 'varchar', length: 512, nullable: true })
  coverUrl!: string | null;

  @Column({ name: 'rules_text', type: 'text' })
  rulesText!: string;

  @Column({ name: 'prize_text', type: 'varchar', length: 500 })
  prizeText!: string;

  @Column({ name: 'submission_start_at', type: 'datetime' })
  submissionStartAt!: Date;

  @Column({ name: 'submission_end_at', type: 'datetime' })
  submissionEndAt!: Date;

  @Column({ name: 'vote_start_at', type: 'datetime' })
  voteStartAt!: Date;

  @Column({ name: 'vote_end_at', type: 'datetime' })
  voteEndAt!: Date;

  @Column({ name: 'votes_per_day', type: 'integer' })
  votesPerDay!: number;

  /** 0–100 */
  @Column({ name: 'jury_weight', type: 'integer' })
  juryWeight!: number;

  @Column({ name: 'auto_approve_clean', type: 'boolean' })
  autoApproveClean!: boolean;

  @Column({ type: 'varchar', length: 16 })
  status!: ContestStatus;

  @Column({ name: 'published_at', type: 'datetime', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'datetime', nullable: true })
  closedAt!: Date | null;

  /** Owner: null = chain-wide (run by HQ); a store id = that store's manager runs it. */
  @Column({ name: 'owner_store_id', type: 'integer', nullable: true })
  ownerStoreId!: number | null;

  @Column({ name: 'created_by_staff_id', type: 'integer', nullable: true })
  createdByStaffId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
