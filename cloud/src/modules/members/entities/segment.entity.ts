import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../../../core/json-column';

/** A saved member filter (分群): a name and the filter as JSON. */
@Entity({ name: 'member_segment' })
@Index('idx_member_segment_staff', ['createdBy', 'id'])
export class MemberSegment {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 30 })
  name!: string;

  /** MemberFilter as JSON. */
  @Column({ type: 'varchar', length: 1000, transformer: jsonColumn<unknown>({ fallback: {} }) })
  filter!: unknown;

  @Column({ name: 'created_by', type: 'integer' })
  createdBy!: number;

  @Column({ name: 'created_by_name', type: 'varchar', length: 40 })
  createdByName!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
