import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Mirror of WeCom's corp tags (企业客户标签). Tags we created through add_corp_tag are ours to
 * apply and remove; the others are read (shown, kept in sync) but never edited or removed.
 */
@Entity({ name: 'wecom_corp_tag' })
@Index('idx_wecom_corp_tag_name', ['groupName', 'name'])
export class CorpTag {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_wecom_corp_tag_tag', { unique: true })
  @Column({ name: 'tag_id', type: 'varchar', length: 64 })
  tagId!: string;

  @Column({ name: 'group_id', type: 'varchar', length: 64 })
  groupId!: string;

  @Column({ name: 'group_name', type: 'varchar', length: 30 })
  groupName!: string;

  @Column({ type: 'varchar', length: 30 })
  name!: string;

  @Column({ name: 'created_by_us', type: 'boolean', default: false })
  createdByUs!: boolean;

  /** Gone from WeCom (deleted in the console). */
  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @Column({ name: 'synced_at', type: 'datetime' })
  syncedAt!: Date;
}
