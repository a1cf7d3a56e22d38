import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Sign-in attempts are counted by core/limits (back-off counters) now: the old counter table goes (its rows only ever lived minutes). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class LoginAttemptsToLimits1765000000131 implements MigrationInterface {
  name = 'LoginAttemptsToLimits1765000000131';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await queryRunner.hasTable('login_attempt')) await queryRunner.dropTable('login_attempt');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'login_attempt',
        columns: [
          { ...c.str('attempt_key', 191), isPrimary: true },
          c.int('failures'),
          c.int('version'),
          c.time('window_start'),
          c.time('blocked_until', { nullable: true }),
          c.time('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_login_attempt_updated', columnNames: ['updated_at'] })],
      }),
    );
  }
}
