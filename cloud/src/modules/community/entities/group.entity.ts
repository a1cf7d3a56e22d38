import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Our side of a customer group: its store, theme, welcome and weekly message cap (the WeCom mirror is the wecom module's). */
@Entity({ name: 'community_group' })
export class CommunityGroup {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_community_group_chat', { unique: true })
  @Column({ name: 'chat_id', type: 'varchar', length: 64 })
  chatId!: string;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  theme!: string | null;

  @Column({ name: 'welcome_text', type: 'text', nullable: true })
  welcomeText!: string | null;

  @Column({ name: 'welcome_template_id', type: 'varchar', length: 64, nullable: true })
  welcomeTemplateId!: string | null;

  @Column({ name: 'welcome_updated_at', type: 'datetime', nullable: true })
  welcomeUpdatedAt!: Date | null;

  /** null = the default from the settings. */
  @Column({ name: 'weekly_cap', type: 'integer', nullable: true })
  weeklyCap!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** A scheduled group message (群SOP): weekly on a weekday or monthly on a day, at a Beijing time. */
@Entity({ name: 'community_sop' })
@Index('idx_community_sop_chat', ['chatId'])
export class GroupSop {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'chat_id', type: 'varchar', length: 64 })
  chatId!: string;

  @Column({ type: 'varchar', length: 40 })
  title!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 10 })
  cadence!: 'weekly' | 'monthly';

  @Column({ type: 'integer', nullable: true })
  weekday!: number | null;

  @Column({ name: 'month_day', type: 'integer', nullable: true })
  monthDay!: number | null;

  @Column({ type: 'varchar', length: 5 })
  time!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'kit_id', type: 'integer', nullable: true })
  kitId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

export type SopTaskStatus = 'open' | 'scheduled' | 'sent' | 'skipped';

/** One occurrence of a group SOP: a task for the group owner, once per (sop, slot). */
@Entity({ name: 'community_sop_task' })
@Index('uq_community_sop_task_slot', ['sopId', 'slotAt'], { unique: true })
@Index('idx_community_sop_task_chat', ['chatId', 'slotAt'])
export class SopTask {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'sop_id', type: 'integer' })
  sopId!: number;

  @Column({ name: 'chat_id', type: 'varchar', length: 64 })
  chatId!: string;

  @Column({ name: 'owner_user_id', type: 'varchar', length: 64, nullable: true })
  ownerUserId!: string | null;

  @Column({ name: 'slot_at', type: 'datetime' })
  slotAt!: Date;

  @Column({ type: 'varchar', length: 12 })
  status!: SopTaskStatus;

  @Column({ type: 'varchar', length: 120, nullable: true })
  reason!: string | null;

  @Column({ name: 'send_at', type: 'datetime', nullable: true })
  sendAt!: Date | null;

  @Column({ name: 'confirmed_at', type: 'datetime', nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'confirmed_by', type: 'integer', nullable: true })
  confirmedBy!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** One row (id 1): group message rules. */
@Entity({ name: 'community_settings' })
export class CommunitySettingsRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'quiet_start', type: 'varchar', length: 5 })
  quietStart!: string;

  @Column({ name: 'quiet_end', type: 'varchar', length: 5 })
  quietEnd!: string;

  @Column({ name: 'default_weekly_cap', type: 'integer' })
  defaultWeeklyCap!: number;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
