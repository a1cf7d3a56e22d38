import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Saved member filters (分群) of the ops page's 会员 list. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class MemberSegments1763807200000 implements MigrationInterface {
  name = 'MemberSegments1763807200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'member_segment',
        columns: [c.id(), c.str('name', 30), c.str('filter', 1000), c.int('created_by'), c.str('created_by_name', 40), c.time('created_at')],
        indices: [new TableIndex({ name: 'idx_member_segment_staff', columnNames: ['created_by', 'id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('member_segment');
  }
}
