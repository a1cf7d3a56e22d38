import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type TaskStatus = 'open' | 'done' | 'dismissed';

/** A task for staff created by a journey step (shown in the sidebar). */
@Entity({ name: 'staff_task' })
@Index('idx_staff_task_staff', ['staffUserId', 'status'])
@Index('idx_staff_task_store', ['storeId', 'assignee', 'status'])
@Index('idx_staff_task_customer', ['externalUserId', 'status'])
export class StaffTask {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_staff_task_key', { unique: true })
  @Column({ name: 'idem_key', type: 'varchar', length: 96 })
  idemKey!: string;

  /** owner = the staff member who owns the customer; store_manager = the managers of the store. */
  @Column({ type: 'varchar', length: 16 })
  assignee!: 'owner' | 'store_manager';

  @Column({ name: 'staff_user_id', type: 'varchar', length: 64, nullable: true })
  staffUserId!: string | null;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ name: 'external_user_id', type: 'varchar', length: 64 })
  externalUserId!: string;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Column({ name: 'enrolment_id', type: 'integer', nullable: true })
  enrolmentId!: number | null;

  @Column({ name: 'journey_name', type: 'varchar', length: 40, nullable: true })
  journeyName!: string | null;

  @Column({ type: 'varchar', length: 60 })
  title!: string;

  @Column({ type: 'varchar', length: 500 })
  detail!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: TaskStatus;

  @Column({ name: 'due_at', type: 'datetime' })
  dueAt!: Date;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'done_at', type: 'datetime', nullable: true })
  doneAt!: Date | null;

  @Column({ name: 'done_by', type: 'integer', nullable: true })
  doneBy!: number | null;
}
