import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Audit: a staff member saw a member's full phone number (who, whose, when, why). */
@Entity({ name: 'phone_access_log' })
@Index('idx_phone_access_member', ['memberId', 'at'])
export class PhoneAccess {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'staff_id', type: 'integer' })
  staffId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 100 })
  reason!: string;

  @Column({ type: 'datetime' })
  at!: Date;
}
