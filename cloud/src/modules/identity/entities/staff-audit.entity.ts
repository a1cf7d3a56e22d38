import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../../../core/json-column';

/** Append-only: who changed which account or store, when, and what (detail is JSON without secrets). */
@Entity({ name: 'staff_audit' })
export class StaffAudit {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'datetime' })
  at!: Date;

  @Column({ name: 'actor_staff_id', type: 'integer', nullable: true })
  actorStaffId!: number | null;

  @Column({ name: 'actor_label', type: 'varchar', length: 64 })
  actorLabel!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: string;

  @Column({ name: 'target_kind', type: 'varchar', length: 16 })
  targetKind!: 'staff' | 'store' | 'directory';

  @Column({ name: 'target_id', type: 'integer', nullable: true })
  targetId!: number | null;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn<Record<string, unknown>>({ nullable: true }) })
  detail!: Record<string, unknown> | null;
}
