/** Tables of the referral module: shares, touches, one attribution per new member, rewards, devices, rules. */
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ConversionKind, Exclusion, ReferralSource, RewardStatus, ShareContentKind } from '../../../../../contracts/referral';
import { jsonColumn } from '../../../core/json-column';

/** One share a member made (card or poster); its signed token names this row and the sharer. */
@Entity({ name: 'referral_share' })
@Index('idx_referral_share_sharer', ['sharerId', 'id'])
export class ReferralShare {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'sharer_id', type: 'integer' })
  sharerId!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: ShareContentKind;

  @Column({ name: 'content_id', type: 'integer', nullable: true })
  contentId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** Someone met a referral before (or soon after) registering: a share opened, a channel-code add, a typed code. */
@Entity({ name: 'referral_touch' })
@Index('idx_referral_touch_device', ['deviceId', 'at'])
@Index('idx_referral_touch_member', ['memberId'])
@Index('idx_referral_touch_referrer', ['referrerId', 'at'])
export class ReferralTouch {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** Natural key (open:<share>:<device>, channel:<external_userid>, …): a repeated open counts once. */
  @Index('uq_referral_touch_key', { unique: true })
  @Column({ name: 'touch_key', type: 'varchar', length: 120 })
  touchKey!: string;

  @Column({ type: 'varchar', length: 12 })
  source!: Exclude<ReferralSource, 'organic'>;

  @Column({ name: 'referrer_id', type: 'integer' })
  referrerId!: number;

  @Column({ name: 'share_id', type: 'integer', nullable: true })
  shareId!: number | null;

  @Column({ name: 'device_id', type: 'varchar', length: 64, nullable: true })
  deviceId!: string | null;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64, nullable: true })
  externalUserId!: string | null;

  /** The channel's state or the typed code (evidence for ops). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  detail!: string | null;

  /** Set once the person is a member (registered, or linked by WeCom). */
  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ type: 'datetime' })
  at!: Date;
}

/** Exactly one per new member: where they came from and, once, their first real action. */
@Entity({ name: 'referral_attribution' })
@Index('idx_referral_attr_referrer', ['referrerId', 'registeredAt'])
@Index('idx_referral_attr_registered', ['registeredAt'])
export class ReferralAttribution {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_referral_attr_member', { unique: true })
  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 12 })
  source!: ReferralSource;

  @Column({ name: 'referrer_id', type: 'integer', nullable: true })
  referrerId!: number | null;

  @Column({ name: 'touch_id', type: 'integer', nullable: true })
  touchId!: number | null;

  @Column({ name: 'share_id', type: 'integer', nullable: true })
  shareId!: number | null;

  /** Channel state / invite code / share kind: what ops read as the detail. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  detail!: string | null;

  /** Set at attribution time for self-referrals and loops (no reward ever). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  exclusion!: Exclusion | null;

  @Column({ name: 'device_id', type: 'varchar', length: 64, nullable: true })
  deviceId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'registered_at', type: 'datetime' })
  registeredAt!: Date;

  @Column({ name: 'touched_at', type: 'datetime', nullable: true })
  touchedAt!: Date | null;

  /** First real action; written once by a conditional update (the exactly-once guard). */
  @Column({ name: 'converted_at', type: 'datetime', nullable: true })
  convertedAt!: Date | null;

  @Column({ name: 'conversion', type: 'varchar', length: 16, nullable: true })
  conversion!: ConversionKind | null;

  @Column({ name: 'conversion_ref', type: 'varchar', length: 64, nullable: true })
  conversionRef!: string | null;
}

/** The outcome of one attribution's conversion for its referrer (unique per attribution). */
@Entity({ name: 'referral_reward' })
@Index('idx_referral_reward_referrer', ['referrerId', 'id'])
@Index('idx_referral_reward_status', ['status', 'id'])
export class ReferralReward {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_referral_reward_attr', { unique: true })
  @Column({ name: 'attribution_id', type: 'integer' })
  attributionId!: number;

  @Column({ name: 'referrer_id', type: 'integer' })
  referrerId!: number;

  @Column({ name: 'invitee_id', type: 'integer' })
  inviteeId!: number;

  @Column({ name: 'invitee_household_id', type: 'integer', nullable: true })
  inviteeHouseholdId!: number | null;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'points' | 'coupon';

  @Column({ type: 'integer', nullable: true })
  points!: number | null;

  @Column({ name: 'coupon_title', type: 'varchar', length: 40, nullable: true })
  couponTitle!: string | null;

  @Column({ name: 'coupon_fen', type: 'integer', nullable: true })
  couponFen!: number | null;

  @Column({ name: 'coupon_min_spend_fen', type: 'integer', nullable: true })
  couponMinSpendFen!: number | null;

  @Column({ type: 'varchar', length: 10 })
  status!: RewardStatus;

  /** Exclusion code when excluded; JSON [{code, evidence}] when held. */
  @Column({ type: 'text', nullable: true })
  reasons!: string | null;

  @Column({ type: 'varchar', length: 16 })
  conversion!: ConversionKind;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'datetime', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'integer', nullable: true })
  decidedBy!: number | null;

  @Column({ name: 'decision_note', type: 'varchar', length: 200, nullable: true })
  decisionNote!: string | null;
}

/** Devices a member used while sharing, registering or entering a code (device exclusion). */
@Entity({ name: 'referral_device' })
@Index('idx_referral_device_device', ['deviceId'])
export class ReferralDevice {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @Column({ name: 'first_seen_at', type: 'datetime' })
  firstSeenAt!: Date;
}

/** The rules ops edit (one row, JSON). */
@Entity({ name: 'referral_settings' })
export class ReferralSettingsRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text', transformer: jsonColumn<Record<string, unknown>>({ fallback: {} }) })
  rules!: Record<string, unknown>;

  @Column({ name: 'updated_by', type: 'integer', nullable: true })
  updatedBy!: number | null;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
