import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ReviewAnswers } from '../../../../../contracts/community';
import { jsonColumn } from '../../../core/json-column';

/** A member of the customer advisory panel (顾客顾问团), invited by ops; may moderate groups. */
@Entity({ name: 'community_panel_member' })
export class PanelMember {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'boolean', default: false })
  moderator!: boolean;

  @Column({ name: 'invited_by', type: 'integer' })
  invitedBy!: number;

  @Column({ name: 'invited_at', type: 'datetime' })
  invitedAt!: Date;
}

/** A panel round, e.g. 新品试吃会. */
@Entity({ name: 'community_panel_round' })
export class PanelRound {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 60 })
  title!: string;

  @Column({ type: 'varchar', length: 60 })
  product!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'starts_at', type: 'datetime' })
  startsAt!: Date;

  @Column({ type: 'varchar', length: 60 })
  place!: string;

  @Column({ type: 'integer' })
  capacity!: number;

  /** Signed-up count, moved with a conditional update so the capacity holds under parallel sign-ups. */
  @Column({ name: 'signed_count', type: 'integer', default: 0 })
  signedCount!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

@Entity({ name: 'community_panel_signup' })
@Index('uq_community_panel_signup', ['roundId', 'memberId'], { unique: true })
export class PanelSignup {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'round_id', type: 'integer' })
  roundId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 10 })
  status!: 'signed' | 'attended' | 'absent';

  /** JSON ReviewAnswers. */
  @Column({ type: 'text', nullable: true, transformer: jsonColumn<ReviewAnswers>({ nullable: true }) })
  answers!: ReviewAnswers | null;

  @Column({ name: 'reviewed_at', type: 'datetime', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
