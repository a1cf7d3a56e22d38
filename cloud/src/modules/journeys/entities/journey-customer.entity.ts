import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The journeys' own view of a WeCom customer (a projection of ContactAdded / ContactLinked /
 * ContactLost and the staff's notes), so due computations join inside this module only.
 */
@Entity({ name: 'journey_customer' })
@Index('idx_journey_customer_member', ['memberId'])
export class JourneyCustomer {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_journey_customer_ext', { unique: true })
  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  /** The member's first contact: member-wide journeys (inactivity, orders) enrol only this one. */
  @Column({ name: 'is_primary', type: 'boolean', default: false })
  isPrimary!: boolean;

  /** WeCom userid of the owning staff member. */
  @Column({ name: 'staff_user_id', type: 'varchar', length: 64 })
  staffUserId!: string;

  @Column({ name: 'added_at', type: 'datetime' })
  addedAt!: Date;

  @Column({ name: 'lost_at', type: 'datetime', nullable: true })
  lostAt!: Date | null;

  /** Last reply / call recorded by staff. */
  @Column({ name: 'last_reply_at', type: 'datetime', nullable: true })
  lastReplyAt!: Date | null;

  @Column({ name: 'opted_out', type: 'boolean', default: false })
  optedOut!: boolean;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
