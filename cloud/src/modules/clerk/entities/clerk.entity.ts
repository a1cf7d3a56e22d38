import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 跟进记录: what a clerk noted about a customer after a call, a store visit or a chat. */
@Entity({ name: 'followup_note' })
@Index('idx_followup_note_contact', ['externalUserId', 'id'])
@Index('idx_followup_note_member', ['memberId', 'id'])
export class FollowupNote {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  /** The member behind the contact when known (for the member timeline); null for strangers. */
  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'staff_id', type: 'integer' })
  staffId!: number;

  /** The clerk's display name at the time (shown as written, even if the account changes later). */
  @Column({ name: 'staff_name', type: 'varchar', length: 40 })
  staffName!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'call' | 'visit' | 'chat';

  @Column({ type: 'varchar', length: 500 })
  text!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** 话术库: a quick reply a clerk sends in one tap. */
@Entity({ name: 'quick_reply' })
@Index('idx_quick_reply_group', ['groupName', 'id'])
export class QuickReply {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'group_name', type: 'varchar', length: 20 })
  groupName!: string;

  @Column({ type: 'varchar', length: 40 })
  title!: string;

  @Column({ type: 'varchar', length: 1000 })
  content!: string;

  @Column({ name: 'created_by', type: 'integer' })
  createdBy!: number;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** 素材库: an image, mini-program card, link or file a clerk sends in one tap. */
@Entity({ name: 'material' })
@Index('idx_material_group', ['groupName', 'id'])
export class Material {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'group_name', type: 'varchar', length: 20 })
  groupName!: string;

  @Column({ type: 'varchar', length: 12 })
  kind!: 'image' | 'miniprogram' | 'link' | 'file';

  @Column({ type: 'varchar', length: 64 })
  title!: string;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  url!: string | null;

  @Column({ name: 'pic_url', type: 'varchar', length: 512, nullable: true })
  picUrl!: string | null;

  @Column({ type: 'varchar', length: 200 })
  description!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  appid!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  page!: string | null;

  @Column({ name: 'created_by', type: 'integer' })
  createdBy!: number;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;

  /** WeCom temporary media of the file (image/file kinds), valid until media_expires_at. */
  @Column({ name: 'media_id', type: 'varchar', length: 128, nullable: true })
  mediaId!: string | null;

  @Column({ name: 'media_expires_at', type: 'datetime', nullable: true })
  mediaExpiresAt!: Date | null;

  /** The url the media was uploaded from: an edited url is uploaded again. */
  @Column({ name: 'media_source', type: 'varchar', length: 1024, nullable: true })
  mediaSource!: string | null;
}
