import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type DishStatus = 'listed' | 'unlisted';

/**
 * A dish on the New Year's Eve menu. Contest winners become dishes credited to their author
 * (「王阿姨的拿手蛋饺」); the pre-order work sells them (price, stock, pickup) and may add its own.
 */
@Entity({ name: 'menu_dish' })
@Index('idx_menu_dish_status', ['status', 'createdAt'])
export class Dish {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** The member credited (null for dishes that are not from a contest, or after account deletion). */
  @Column({ name: 'author_member_id', type: 'integer', nullable: true })
  authorMemberId!: number | null;

  /** The credit as the author chose it, e.g. 王阿姨. */
  @Column({ name: 'author_display_name', type: 'varchar', length: 32 })
  authorDisplayName!: string;

  /** The contest entry it comes from (unique: one dish per winning entry). */
  @Column({ name: 'source_entry_id', type: 'integer', nullable: true, unique: true })
  sourceEntryId!: number | null;

  @Column({ name: 'source_contest_id', type: 'integer', nullable: true })
  sourceContestId!: number | null;

  @Column({ name: 'price_fen', type: 'integer', nullable: true })
  priceFen!: number | null;

  @Column({ type: 'varchar', length: 16 })
  status!: DishStatus;

  /** Stored file name of the cover (uploads module). */
  @Column({ name: 'cover_file', type: 'varchar', length: 40, nullable: true })
  coverFile!: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
