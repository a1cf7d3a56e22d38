import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A behaviour tag in our own store (e.g. UGC创作者, 投票参与); the WeCom work mirrors these as corp tags. */
@Entity({ name: 'tag' })
export class Tag {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** ≤ 30 characters: WeCom's corp tag name limit, so every tag can be synced as is. */
  @Column({ type: 'varchar', length: 30, unique: true })
  name!: string;

  /** Tag group for the WeCom sync (corp tag group name). */
  @Column({ name: 'group_name', type: 'varchar', length: 30, default: '行为标签' })
  groupName!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
