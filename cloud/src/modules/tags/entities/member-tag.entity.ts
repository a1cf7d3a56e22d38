import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tag } from './tag.entity';

/** A member holds a tag: granted once (the first source and time are kept). */
@Entity({ name: 'member_tag' })
@Index('uq_member_tag', ['memberId', 'tagId'], { unique: true })
export class MemberTag {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'tag_id', type: 'integer' })
  tagId!: number;

  @ManyToOne(() => Tag, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'tag_id' })
  tag?: Tag;

  /** Who granted it, e.g. contest.entry_approved, contest.vote, classes.checked_in. */
  @Column({ type: 'varchar', length: 64 })
  source!: string;

  @Column({ name: 'granted_at', type: 'datetime' })
  grantedAt!: Date;
}
