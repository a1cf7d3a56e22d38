import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Store } from './store.entity';

/** A family shopping together (one account per person, grouped here). */
@Entity({ name: 'household' })
export class Household {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @ManyToOne(() => Store, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'store_id' })
  store?: Store | null;

  /** Children living in the household, as the member says (recommendations, class forms). */
  @Column({ name: 'children_count', type: 'integer', default: 0 })
  childrenCount!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
