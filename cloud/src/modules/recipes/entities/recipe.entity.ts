import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Ingredient } from '../../../../../contracts/recipes';
import { jsonColumn } from '../../../core/json-column';

export type RecipeDifficulty = 'easy' | 'medium' | 'hard';

/**
 * A recipe in the library: published by ops or chefs, or made from a contest winner (credited to
 * its author, one recipe per winning entry). JSON columns are text on both drivers.
 */
@Entity({ name: 'recipe' })
@Index('idx_recipe_published', ['published', 'createdAt'])
export class Recipe {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  title!: string;

  @Column({ type: 'text' })
  intro!: string;

  @Column({ name: 'cover_file', type: 'varchar', length: 40, nullable: true })
  coverFile!: string | null;

  @Column({ type: 'integer' })
  minutes!: number;

  @Column({ type: 'varchar', length: 8 })
  difficulty!: RecipeDifficulty;

  @Column({ type: 'integer' })
  servings!: number;

  @Column({ type: 'text', transformer: jsonColumn() })
  ingredients!: Ingredient[];

  @Column({ type: 'text', transformer: jsonColumn() })
  steps!: string[];

  @Column({ type: 'text', transformer: jsonColumn() })
  tags!: string[];

  /** The member credited (contest winners); null after the account is deleted. */
  @Column({ name: 'author_member_id', type: 'integer', nullable: true })
  authorMemberId!: number | null;

  @Column({ name: 'author_display_name', type: 'varchar', length: 32, nullable: true })
  authorDisplayName!: string | null;

  @Column({ name: 'source_entry_id', type: 'integer', nullable: true, unique: true })
  sourceEntryId!: number | null;

  /** Pre-order item reference ops set (the 料理包); the button shows only when set. */
  @Column({ name: 'kit_item_ref', type: 'varchar', length: 64, nullable: true })
  kitItemRef!: string | null;

  @Column({ name: 'kit_label', type: 'varchar', length: 32, nullable: true })
  kitLabel!: string | null;

  /** The class series whose next session the recipe offers. */
  @Column({ name: 'class_id', type: 'integer', nullable: true })
  classId!: number | null;

  @Column({ type: 'boolean', default: true })
  published!: boolean;

  @Column({ name: 'favourite_count', type: 'integer', default: 0 })
  favouriteCount!: number;

  @Column({ name: 'published_at', type: 'datetime', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
