import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../migration-kit';

/** Back-off counters of core/limits (database store): one row per key, times as epoch ms. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class LimitBackoff1765000000130 implements MigrationInterface {
  name = 'LimitBackoff1765000000130';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'limit_backoff',
        columns: [
          { name: 'k', type: 'varchar', length: '160', isPrimary: true },
          c.int('n'),
          { name: 'window_start', type: 'bigint' },
          { name: 'blocked_until', type: 'bigint', default: 0 },
          c.int('version'),
          // when the row no longer matters (window over, no wait): the purge drops it
          { name: 'expires_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'idx_limit_backoff_expires', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('limit_backoff');
  }
}
