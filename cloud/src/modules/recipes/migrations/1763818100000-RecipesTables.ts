import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Recipes, collections, 收藏, purchase signals for 「为你推荐」, and the 首页 banners. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class RecipesTables1763818100000 implements MigrationInterface {
  name = 'RecipesTables1763818100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'recipe',
        columns: [
          c.id(),
          c.str('title', 64),
          c.text('intro'),
          c.str('cover_file', 40, { nullable: true }),
          c.int('minutes'),
          c.str('difficulty', 8),
          c.int('servings'),
          c.text('ingredients'),
          c.text('steps'),
          c.text('tags'),
          c.int('author_member_id', { nullable: true }),
          c.str('author_display_name', 32, { nullable: true }),
          c.int('source_entry_id', { nullable: true }),
          c.str('kit_item_ref', 64, { nullable: true }),
          c.str('kit_label', 32, { nullable: true }),
          c.int('class_id', { nullable: true }),
          c.bool('published', true),
          c.int('favourite_count', { default: 0 }),
          c.time('published_at', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          // NULLs never collide: only contest winners are limited to one recipe per entry
          new TableIndex({ name: 'uq_recipe_entry', columnNames: ['source_entry_id'], isUnique: true }),
          new TableIndex({ name: 'idx_recipe_published', columnNames: ['published', 'created_at'] }),
          new TableIndex({ name: 'idx_recipe_author', columnNames: ['author_member_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'recipe_collection',
        columns: [
          c.id(),
          c.str('title', 64),
          c.str('subtitle', 128),
          c.text('recipe_ids'),
          c.int('sort', { default: 0 }),
          c.bool('published', true),
          c.time('created_at'),
          c.time('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'recipe_favourite',
        columns: [c.id(), c.int('member_id'), c.int('recipe_id'), c.time('created_at')],
        indices: [
          new TableIndex({ name: 'uq_recipe_favourite', columnNames: ['member_id', 'recipe_id'], isUnique: true }),
          new TableIndex({ name: 'idx_recipe_favourite_recipe', columnNames: ['recipe_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'recipe_purchase_signal',
        columns: [c.id(), c.int('member_id'), c.str('term', 64), c.time('seen_at')],
        indices: [new TableIndex({ name: 'uq_recipe_signal', columnNames: ['member_id', 'term'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'home_banner',
        columns: [
          c.id(),
          c.str('kind', 16),
          c.int('store_id', { nullable: true }),
          c.str('title', 64),
          c.str('subtitle', 128),
          c.str('image_file', 40, { nullable: true }),
          c.str('link_type', 16),
          c.int('link_id', { nullable: true }),
          c.str('audience', 16),
          c.time('starts_at'),
          c.time('ends_at'),
          c.int('sort', { default: 0 }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_home_banner_window', columnNames: ['ends_at', 'starts_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['home_banner', 'recipe_purchase_signal', 'recipe_favourite', 'recipe_collection', 'recipe']) await queryRunner.dropTable(t);
  }
}
