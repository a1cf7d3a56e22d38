import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ClassType } from '../../../../../contracts/classes';
import { jsonColumn } from '../../../core/json-column';

/** A class / family event / community ritual as ops create it: the template of its sessions. */
/** How a class repeats (the authoring form's choice, kept for editing). */
export type ClassRecurrence = { frequency: 'daily' | 'weekly' | 'monthly'; count: number };

@Entity({ name: 'class_def' })
@Index('idx_class_def_store', ['storeId', 'createdAt'])
export class ClassDef {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  title!: string;

  @Column({ type: 'varchar', length: 24 })
  type!: ClassType;

  @Column({ name: 'host_name', type: 'varchar', length: 64 })
  hostName!: string;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  room!: string | null;

  @Column({ name: 'adult_seats', type: 'integer' })
  adultSeats!: number;

  @Column({ name: 'child_seats', type: 'integer' })
  childSeats!: number;

  @Column({ name: 'price_fen', type: 'integer' })
  priceFen!: number;

  @Column({ name: 'reg_close_min', type: 'integer' })
  regCloseMin!: number;

  @Column({ name: 'cancel_close_min', type: 'integer' })
  cancelCloseMin!: number;

  @Column({ name: 'cover_url', type: 'varchar', length: 512, nullable: true })
  coverUrl!: string | null;

  @Column({ type: 'text' })
  description!: string;

  /** JSON array of tag names granted on attendance. */
  @Column({ type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })
  tags!: string[];

  /** JSON {frequency, count} when created as a series. */
  @Column({ type: 'varchar', length: 64, nullable: true, transformer: jsonColumn<ClassRecurrence>({ nullable: true }) })
  recurrence!: ClassRecurrence | null;

  @Column({ name: 'created_by_staff_id', type: 'integer', nullable: true })
  createdByStaffId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
