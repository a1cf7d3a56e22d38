import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../migration-kit';

/** Chain-wide fixed-window counters and named locks (core/limits, database store). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ChainLimits1764900000100 implements MigrationInterface {
  name = 'ChainLimits1764900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'limit_window',
        columns: [
          { name: 'k', type: 'varchar', length: '160', isPrimary: true },
          // epoch ms of the window's start, as a key part (BIGINT on MySQL, INTEGER on SQLite)
          { name: 'window_start', type: 'bigint', isPrimary: true },
          c.int('n', { default: 0 }),
          c.time('expires_at'),
        ],
        indices: [new TableIndex({ name: 'idx_limit_window_expires', columnNames: ['expires_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chain_lock',
        columns: [{ name: 'name', type: 'varchar', length: '160', isPrimary: true }, c.str('holder', 64), c.time('expires_at')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('chain_lock');
    await queryRunner.dropTable('limit_window');
  }
}
