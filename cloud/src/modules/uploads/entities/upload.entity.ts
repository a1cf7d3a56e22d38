import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type UploadOwner = 'member' | 'staff' | 'system';

/** One stored image (and its thumbnail). Other domains keep the id and the file names. */
@Entity({ name: 'upload' })
@Index('idx_upload_owner', ['ownerType', 'ownerId', 'createdAt'])
export class Upload {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 40, unique: true })
  name!: string;

  @Column({ name: 'thumb_name', type: 'varchar', length: 40, nullable: true })
  thumbName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  mime!: string;

  @Column({ type: 'integer' })
  bytes!: number;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  /** image (a person uploaded it) or wxacode (generated for a share poster). */
  @Column({ type: 'varchar', length: 16 })
  kind!: 'image' | 'wxacode';

  @Column({ name: 'owner_type', type: 'varchar', length: 8 })
  ownerType!: UploadOwner;

  @Column({ name: 'owner_id', type: 'integer', nullable: true })
  ownerId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
