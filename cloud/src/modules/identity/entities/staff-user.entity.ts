import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { StaffRole } from '../../../../../contracts/route';
import { Store } from './store.entity';

@Entity({ name: 'staff_user' })
export class StaffUser {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 64 })
  displayName!: string;

  /** scrypt$N$r$p$salt$hash (see password.ts); null = no password login (WeCom only). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'varchar', length: 20 })
  role!: StaffRole;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @ManyToOne(() => Store, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'store_id' })
  store?: Store | null;

  /** The WeCom userid (企业成员账号) this account signs in with from the sidebar. */
  @Column({ name: 'wecom_user_id', type: 'varchar', length: 64, nullable: true, unique: true })
  wecomUserId!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Set for generated / reset passwords: the next sign-in must choose a new one first. */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ name: 'password_changed_at', type: 'datetime', nullable: true })
  passwordChangedAt!: Date | null;

  /** Left the corp (gone from the WeCom address book): account disabled, customers handed over. */
  @Column({ name: 'departed_at', type: 'datetime', nullable: true })
  departedAt!: Date | null;

  @Column({ name: 'directory_synced_at', type: 'datetime', nullable: true })
  directorySyncedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
