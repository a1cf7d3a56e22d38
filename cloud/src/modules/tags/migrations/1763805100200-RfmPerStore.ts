import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** RFM per store by quintiles (issue 11): the projection gains the store, tiers their scores; settings and per-store cuts. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class RfmPerStore1763805100200 implements MigrationInterface {
  name = 'RfmPerStore1763805100200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('rfm_order', new TableColumn(c.int('store_id', { nullable: true })));
    await queryRunner.addColumn('member_rfm', new TableColumn(c.int('store_id', { nullable: true })));
    for (const col of ['r_score', 'f_score', 'm_score']) await queryRunner.addColumn('member_rfm', new TableColumn(c.int(col, { default: 0 })));
    await queryRunner.createTable(
      new Table({ name: 'rfm_settings', columns: [{ name: 'id', type: 'integer', isPrimary: true }, c.text('thresholds'), c.time('updated_at')] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rfm_store_cuts',
        columns: [{ name: 'store_id', type: 'integer', isPrimary: true }, c.int('members'), c.text('cuts'), c.time('computed_at')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rfm_store_cuts', true);
    await queryRunner.dropTable('rfm_settings', true);
    for (const col of ['m_score', 'f_score', 'r_score', 'store_id']) await queryRunner.dropColumn('member_rfm', col);
    await queryRunner.dropColumn('rfm_order', 'store_id');
  }
}
