import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per member who ever registered: registration locks it first (an upsert) so one member's
 * registrations run one at a time and the upcoming-bookings limit is counted after the lock.
 * Other members never touch it, so the seat race is not serialised on it.
 */
@Entity({ name: 'class_member_guard' })
export class ClassMemberGuard {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  /** Registrations attempted (only written to take the row lock). */
  @Column({ type: 'integer', default: 0 })
  claims!: number;
}
