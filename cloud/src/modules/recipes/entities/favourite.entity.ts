import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 收藏: one row per member and recipe (unique, so a double tap saves once). */
@Entity({ name: 'recipe_favourite' })
@Index('uq_recipe_favourite', ['memberId', 'recipeId'], { unique: true })
export class RecipeFavourite {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'recipe_id', type: 'integer' })
  recipeId!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
