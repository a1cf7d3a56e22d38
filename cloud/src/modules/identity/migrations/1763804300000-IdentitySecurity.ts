import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';
import { encryptClearPhones } from '../phone';

/**
 * Security hardening: login attempt counters shared by every instance; phone numbers encrypted at
 * rest with a keyed digest for lookup (existing numbers are encrypted here and the clear column
 * emptied); the audit of staff seeing a full number.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentitySecurity1763804300000 implements MigrationInterface {
  name = 'IdentitySecurity1763804300000';

  async up(queryRunner: QueryRunner): Promise<void> {
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
    await queryRunner.createTable(
      new Table({
        name: 'phone_access_log',
        columns: [c.id(), c.int('staff_id'), c.int('member_id'), c.str('reason', 100), c.time('at')],
        indices: [new TableIndex({ name: 'idx_phone_access_member', columnNames: ['member_id', 'at'] })],
      }),
    );
    await queryRunner.addColumn('member', new TableColumn(c.str('phone_enc', 255, { nullable: true })));
    await queryRunner.addColumn('member', new TableColumn(c.str('phone_digest', 64, { nullable: true })));
    await queryRunner.createIndex('member', new TableIndex({ name: 'idx_member_phone_digest', columnNames: ['phone_digest'] }));
    await encryptClearPhones(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('member', 'idx_member_phone_digest');
    await queryRunner.dropColumn('member', 'phone_digest');
    await queryRunner.dropColumn('member', 'phone_enc');
    await queryRunner.dropTable('phone_access_log');
    await queryRunner.dropTable('login_attempt');
  }
}
