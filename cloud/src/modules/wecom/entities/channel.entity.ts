import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { WelcomeContent } from '../../../../../contracts/wecom';
import { jsonColumn, stringList } from '../../../core/json-column';

export type ChannelKind = 'store' | 'class' | 'group' | 'referral' | 'poster' | 'other';

/** 渠道活码: one WeCom contact way (config_id) with its state, staff routing, tags and welcome. */
@Entity({ name: 'wecom_channel' })
export class WecomChannel {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: ChannelKind;

  /** ≤ 30 chars; echoed by WeCom in the add callback's State. */
  @Index('uq_wecom_channel_state', { unique: true })
  @Column({ type: 'varchar', length: 30 })
  state!: string;

  @Column({ name: 'config_id', type: 'varchar', length: 64, nullable: true })
  configId!: string | null;

  @Column({ name: 'qr_code', type: 'varchar', length: 512, nullable: true })
  qrCode!: string | null;

  /** 1 = single staff, 2 = several staff. */
  @Column({ name: 'way_type', type: 'integer' })
  wayType!: 1 | 2;

  @Column({ name: 'skip_verify', type: 'boolean', default: true })
  skipVerify!: boolean;

  /** JSON string[] of WeCom userids. */
  @Column({ name: 'staff_user_ids', type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })
  staffUserIds!: string[];

  @Column({ name: 'backup_user_ids', type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })
  backupUserIds!: string[];

  /** What the contact way currently routes to (JSON string[]). */
  @Column({ name: 'routed_user_ids', type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })
  routedUserIds!: string[];

  /** Bumped on every routing change; outbound update_contact_way rows carry it so a stale one is dropped. */
  @Column({ name: 'routing_version', type: 'integer', default: 0 })
  routingVersion!: number;

  @Column({ name: 'daily_cap', type: 'integer', default: 0 })
  dailyCap!: number;

  /** JSON string[] of our tag names applied to every contact added through the channel. */
  @Column({ name: 'tag_names', type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })
  tagNames!: string[];

  /** JSON WelcomeContent. */
  @Column({ type: 'text', transformer: jsonColumn<WelcomeContent>({ fallback: { text: '', attachments: [] } }) })
  welcome!: WelcomeContent;

  @Index('idx_wecom_channel_store')
  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Index('uq_wecom_channel_referrer', { unique: true })
  @Column({ name: 'referrer_member_id', type: 'integer', nullable: true })
  referrerMemberId!: number | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_by', type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

export function channelWelcome(c: WecomChannel): WelcomeContent {
  return c.welcome;
}
/** A list column of a channel as strings (the columns are JSON through `jsonColumn`). */
export const jsonList = stringList;
