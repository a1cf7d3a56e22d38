import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Mirror of customer group chats (客户群), refreshed on change_external_chat callbacks and groupchat/list. */
@Entity({ name: 'wecom_group_chat' })
export class WecomGroupChat {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_wecom_group_chat_chat', { unique: true })
  @Column({ name: 'chat_id', type: 'varchar', length: 64 })
  chatId!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  name!: string | null;

  @Column({ name: 'owner_user_id', type: 'varchar', length: 64, nullable: true })
  ownerUserId!: string | null;

  @Column({ name: 'member_count', type: 'integer', default: 0 })
  memberCount!: number;

  @Column({ name: 'external_count', type: 'integer', default: 0 })
  externalCount!: number;

  @Column({ type: 'boolean', default: false })
  dismissed!: boolean;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;

  /**
   * When the snapshot applied last was fetched from WeCom: an older fetch (a callback processed
   * late, out of order) is never applied over a newer one.
   */
  @Column({ name: 'synced_at', type: 'datetime', nullable: true })
  syncedAt!: Date | null;

  @Column({ name: 'wx_created_at', type: 'datetime', nullable: true })
  wxCreatedAt!: Date | null;
}
