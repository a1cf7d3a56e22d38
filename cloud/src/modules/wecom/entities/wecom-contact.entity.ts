import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StaffCard } from '../../identity';

/**
 * A WeCom external contact (客户) as seen by our staff. Linked to a member by unionid when the
 * member has one; the link is dropped when the member deletes their account.
 */
@Entity({ name: 'wecom_contact' })
export class WecomContact {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64, unique: true })
  externalUserId!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  avatar!: string | null;

  @Index('idx_wecom_contact_unionid')
  @Column({ type: 'varchar', length: 64, nullable: true })
  unionid!: string | null;

  /** The WeCom userid of the staff member who added the contact (kept even when no staff row matches). */
  @Column({ name: 'follow_user_id', type: 'varchar', length: 64, nullable: true })
  followUserId!: string | null;

  @Column({ name: 'follow_staff_id', type: 'integer', nullable: true })
  followStaffId!: number | null;

  /** The following staff member's card: not a column, filled by WecomContactService through identity's read service. */
  followStaff?: StaffCard | null;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'added_at', type: 'datetime', nullable: true })
  addedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
