import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { encryptedColumn } from '../../../core/pii';
import { Household } from './household.entity';
import { StaffUser } from './staff-user.entity';
import { Store } from './store.entity';

export type MemberStatus = 'active' | 'deleted';
export const DEFAULT_TIER = '新客';

/**
 * One person using the mini-program. On deletion the row stays (orders keep pointing at it) but
 * every personal field is erased and status becomes 'deleted'; a later login creates a new row.
 */
@Entity({ name: 'member' })
export class Member {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64, nullable: true, unique: true })
  openid!: string | null;

  @Index('idx_member_unionid')
  @Column({ type: 'varchar', length: 64, nullable: true })
  unionid!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  nickname!: string | null;

  @Column({ name: 'avatar_url', type: 'varchar', length: 512, nullable: true })
  avatarUrl!: string | null;

  /**
   * The clear number in memory; AES-256-GCM ciphertext in the column (core/pii). Write it together
   * with phoneDigest (phoneColumns() in identity/phone.ts): the digest is the only way to find a member by number.
   */
  @Column({ name: 'phone_enc', type: 'varchar', length: 255, nullable: true, transformer: encryptedColumn })
  phone!: string | null;

  /** Keyed hash of the normalised number (core/pii phoneDigest), for exact lookup. */
  @Index('idx_member_phone_digest')
  @Column({ name: 'phone_digest', type: 'varchar', length: 64, nullable: true })
  phoneDigest!: string | null;

  @Column({ type: 'varchar', length: 16, default: DEFAULT_TIER })
  tier!: string;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @ManyToOne(() => Store, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'store_id' })
  store?: Store | null;

  @Column({ name: 'household_id', type: 'integer', nullable: true })
  householdId!: number | null;

  @ManyToOne(() => Household, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'household_id' })
  household?: Household | null;

  /** 本人 / 配偶 / 子女 / 父母 … within the household. */
  @Column({ name: 'household_relation', type: 'varchar', length: 16, nullable: true })
  householdRelation!: string | null;

  /** The group owner (团长) this member belongs to. */
  @Column({ name: 'group_owner_staff_id', type: 'integer', nullable: true })
  groupOwnerStaffId!: number | null;

  @ManyToOne(() => StaffUser, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'group_owner_staff_id' })
  groupOwner?: StaffUser | null;

  /** Version of the privacy guide currently agreed to; null after withdrawal. */
  @Column({ name: 'consent_version', type: 'varchar', length: 32, nullable: true })
  consentVersion!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: MemberStatus;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', nullable: true })
  deletedAt!: Date | null;
}
