import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** The per-member row registration locks so the upcoming-bookings limit is decided atomically. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassMemberGuard1765200013000 implements MigrationInterface {
  name = 'ClassMemberGuard1765200013000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'class_member_guard',
        columns: [{ ...c.int('member_id'), isPrimary: true }, c.int('claims', { default: 0 })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('class_member_guard');
  }
}
