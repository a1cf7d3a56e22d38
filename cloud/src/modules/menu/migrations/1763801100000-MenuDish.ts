import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** The New Year's Eve menu's dishes (contest winners credited to their authors). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class MenuDish1763801100000 implements MigrationInterface {
  name = 'MenuDish1763801100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'menu_dish',
        columns: [
          c.id(),
          c.str('name', 64),
          c.int('author_member_id', { nullable: true }),
          c.str('author_display_name', 32),
          c.int('source_entry_id', { nullable: true }),
          c.int('source_contest_id', { nullable: true }),
          c.int('price_fen', { nullable: true }),
          c.str('status', 16, { default: 'listed' }),
          c.str('cover_file', 40, { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          // NULLs never collide: dishes that are not from a contest are not limited
          new TableIndex({ name: 'uq_menu_dish_entry', columnNames: ['source_entry_id'], isUnique: true }),
          new TableIndex({ name: 'idx_menu_dish_status', columnNames: ['status', 'created_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('menu_dish');
  }
}
