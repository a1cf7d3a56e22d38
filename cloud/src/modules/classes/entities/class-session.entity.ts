import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SessionStatus } from '../../../../../contracts/classes';

/**
 * One occurrence of a class. Seat counters change only through conditional UPDATEs
 * (… WHERE adult_left >= n); arrival_seq hands out the server's acceptance order and
 * waiting_count says whether anyone is waiting (newcomers then queue behind them).
 */
@Entity({ name: 'class_session' })
@Index('idx_class_session_class', ['classId', 'startsAt'])
@Index('idx_class_session_store', ['storeId', 'startsAt'])
@Index('idx_class_session_status', ['status', 'startsAt'])
export class ClassSession {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'class_id', type: 'integer' })
  classId!: number;

  /** Copied from the class so browsing by store needs no join. */
  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ name: 'starts_at', type: 'datetime' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'datetime' })
  endsAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  status!: SessionStatus;

  @Column({ name: 'adult_seats', type: 'integer' })
  adultSeats!: number;

  @Column({ name: 'child_seats', type: 'integer' })
  childSeats!: number;

  @Column({ name: 'adult_left', type: 'integer' })
  adultLeft!: number;

  @Column({ name: 'child_left', type: 'integer' })
  childLeft!: number;

  @Column({ name: 'arrival_seq', type: 'integer' })
  arrivalSeq!: number;

  @Column({ name: 'waiting_count', type: 'integer' })
  waitingCount!: number;

  @Column({ name: 'registration_deadline', type: 'datetime' })
  registrationDeadline!: Date;

  @Column({ name: 'cancellation_deadline', type: 'datetime' })
  cancellationDeadline!: Date;

  /** Secret behind the store's session QR that members scan to check in. */
  @Index('uq_class_session_token', { unique: true })
  @Column({ name: 'checkin_token', type: 'varchar', length: 32 })
  checkinToken!: string;

  @Column({ name: 'finished_at', type: 'datetime', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
