import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * A/B tests on journey coupon steps (the test's kind: message copy or coupon) and the advisory
 * panel's members (共创层), as community announces them.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightCouponAbPanel1765200021600 implements MigrationInterface {
  name = 'InsightCouponAbPanel1765200021600';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('insight_ab_test', new TableColumn(c.str('kind', 10, { default: 'message' })));
    await queryRunner.createTable(new Table({ name: 'insight_panel_member', columns: [{ ...c.int('member_id'), isPrimary: true }, c.time('joined_at')] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('insight_panel_member');
    await queryRunner.dropColumn('insight_ab_test', 'kind');
  }
}
