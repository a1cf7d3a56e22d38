import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A registration block after repeated no-shows; one per triggering no-show (idempotent job). */
@Entity({ name: 'class_block' })
@Index('idx_class_block_member', ['memberId', 'blockedUntil'])
export class ClassBlock {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  /** Store of the session that triggered it (store managers see their store's blocks). */
  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Index('uq_class_block_trigger', { unique: true })
  @Column({ name: 'trigger_registration_id', type: 'integer' })
  triggerRegistrationId!: number;

  @Column({ type: 'varchar', length: 200 })
  reason!: string;

  @Column({ name: 'blocked_from', type: 'datetime' })
  blockedFrom!: Date;

  @Column({ name: 'blocked_until', type: 'datetime' })
  blockedUntil!: Date;

  @Column({ name: 'lifted_at', type: 'datetime', nullable: true })
  liftedAt!: Date | null;

  @Column({ name: 'lifted_by_staff_id', type: 'integer', nullable: true })
  liftedByStaffId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
