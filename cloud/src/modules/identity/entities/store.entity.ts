import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../../../core/json-column';

/** A store of the chain; stores group into regions (chain → region → store). */
@Entity({ name: 'store' })
export class Store {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** e.g. 滨江店 */
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** e.g. 杭州城东片区; null = directly under the chain. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  region!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  address!: string | null;

  /** Latitude / longitude in micro-degrees. */
  @Column({ name: 'lat_e6', type: 'integer', nullable: true })
  latE6!: number | null;

  @Column({ name: 'lng_e6', type: 'integer', nullable: true })
  lngE6!: number | null;

  /** e.g. 07:00-22:00 */
  @Column({ name: 'opening_hours', type: 'varchar', length: 64, nullable: true })
  openingHours!: string | null;

  /** Households within 1 km the store aims to reach. */
  @Column({ name: 'target_households', type: 'integer', nullable: true })
  targetHouseholds!: number | null;

  /** JSON array of pickup counter names, e.g. ["1号自提柜台"]. */
  @Column({ name: 'pickup_counters', type: 'text', nullable: true, transformer: jsonColumn<string[]>({ nullable: true }) })
  pickupCounters!: string[] | null;

  /** The WeCom address-book department whose members work here (directory sync). */
  @Column({ name: 'wecom_department_id', type: 'integer', nullable: true })
  wecomDepartmentId!: number | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
