import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * 我的: children in a household (recommendations,
 * class forms) and household invitations (share cards).
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class MemberHub1763818000000 implements MigrationInterface {
  name = 'MemberHub1763818000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    // the store's location and address (nearest store) come with StaffStoreAdmin1764900000000
    await queryRunner.addColumn('household', new TableColumn(c.int('children_count', { default: 0 })));
    await queryRunner.createTable(
      new Table({
        name: 'household_invite',
        columns: [
          c.id(),
          c.str('token', 64),
          c.int('household_id'),
          c.int('inviter_member_id', { nullable: true }),
          c.time('created_at'),
          c.time('expires_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_household_invite_token', columnNames: ['token'], isUnique: true }),
          new TableIndex({ name: 'idx_household_invite_household', columnNames: ['household_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('household_invite');
    await queryRunner.dropColumn('household', 'children_count');
  }
}
