import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'store' })
export class Store {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** e.g. 滨江店 */
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
