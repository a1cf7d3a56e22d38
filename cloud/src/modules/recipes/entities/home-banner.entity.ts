import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type BannerKind = 'banner' | 'highlight';
export type BannerAudience = 'all' | 'with_children' | 'new_member';
export type BannerLink = 'none' | 'recipe' | 'collection' | 'class_session' | 'contest';

/** A 首页 banner or one of this week's highlights, per store (null: every store), scheduled. */
@Entity({ name: 'home_banner' })
@Index('idx_home_banner_window', ['endsAt', 'startsAt'])
export class HomeBanner {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: BannerKind;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 64 })
  title!: string;

  @Column({ type: 'varchar', length: 128 })
  subtitle!: string;

  @Column({ name: 'image_file', type: 'varchar', length: 40, nullable: true })
  imageFile!: string | null;

  @Column({ name: 'link_type', type: 'varchar', length: 16 })
  linkType!: BannerLink;

  @Column({ name: 'link_id', type: 'integer', nullable: true })
  linkId!: number | null;

  @Column({ type: 'varchar', length: 16 })
  audience!: BannerAudience;

  @Column({ name: 'starts_at', type: 'datetime' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'datetime' })
  endsAt!: Date;

  @Column({ type: 'integer', default: 0 })
  sort!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
