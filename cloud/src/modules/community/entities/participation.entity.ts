import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ParticipationKind = 'class' | 'checkin' | 'contest_entry' | 'contest_vote' | 'order' | 'panel';

/**
 * What a member took part in, from other domains' events (class registrations and check-ins,
 * contest entries and votes, orders): once per fact (member, kind, ref). Feeds group activity
 * (active in 30 days, who joined which event) and the inner-ring rule.
 */
@Entity({ name: 'community_participation' })
@Index('uq_community_participation', ['memberId', 'kind', 'ref'], { unique: true })
@Index('idx_community_participation_at', ['memberId', 'at'])
export class Participation {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: ParticipationKind;

  @Column({ type: 'varchar', length: 64 })
  ref!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  title!: string | null;

  @Column({ type: 'datetime' })
  at!: Date;
}
