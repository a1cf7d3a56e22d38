import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Contests get an owner: chain-wide (NULL, HQ) or one store. Existing contests created by a store
 * manager become that manager's store's; the rest stay chain-wide.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestOwner1763804300100 implements MigrationInterface {
  name = 'ContestOwner1763804300100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('contest', new TableColumn(c.int('owner_store_id', { nullable: true })));
    await queryRunner.query(
      `UPDATE contest SET owner_store_id = (SELECT s.store_id FROM staff_user s WHERE s.id = contest.created_by_staff_id AND s.role = 'store_manager') WHERE created_by_staff_id IS NOT NULL`,
    );
    await queryRunner.createIndex('contest', new TableIndex({ name: 'idx_contest_owner_store', columnNames: ['owner_store_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('contest', 'idx_contest_owner_store');
    await queryRunner.dropColumn('contest', 'owner_store_id');
  }
}
