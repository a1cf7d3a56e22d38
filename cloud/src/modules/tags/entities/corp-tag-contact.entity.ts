import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Which corp tags a contact carries at a staff member, as far as we know (our marks + contact syncs). */
@Entity({ name: 'wecom_contact_tag' })
@Index('uq_wecom_contact_tag', ['externalUserId', 'userId', 'tagId'], { unique: true })
@Index('idx_wecom_contact_tag_tag', ['tagId'])
export class CorpTagContact {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ name: 'tag_id', type: 'varchar', length: 64 })
  tagId!: string;

  @Column({ name: 'marked_at', type: 'datetime' })
  markedAt!: Date;
}
