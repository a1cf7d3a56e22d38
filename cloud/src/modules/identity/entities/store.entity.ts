import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'store' })
export class Store {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** e.g. 滨江店 */
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** Location in micro-degrees (GCJ-02, what wx.getLocation gives); null until ops set it. */
  @Column({ name: 'lat_e6', type: 'integer', nullable: true })
  latE6!: number | null;

  @Column({ name: 'lng_e6', type: 'integer', nullable: true })
  lngE6!: number | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  address!: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
