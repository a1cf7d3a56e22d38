import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../../../core/json-column';

/** A themed collection (「15 分钟快手菜」「周末 BBQ」): an ordered list of recipe ids. */
@Entity({ name: 'recipe_collection' })
export class RecipeCollection {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  title!: string;

  @Column({ type: 'varchar', length: 128 })
  subtitle!: string;

  @Column({ name: 'recipe_ids', type: 'text', transformer: jsonColumn() })
  recipeIds!: number[];

  @Column({ type: 'integer', default: 0 })
  sort!: number;

  @Column({ type: 'boolean', default: true })
  published!: boolean;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
