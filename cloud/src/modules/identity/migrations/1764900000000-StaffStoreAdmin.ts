import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Provisioning (issue 12): store details and the chain's regions, staff password state and WeCom
 * directory link, the audit trail of account/store changes, and the 离职继承 transfers.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class StaffStoreAdmin1764900000000 implements MigrationInterface {
  name = 'StaffStoreAdmin1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const col = (o: ConstructorParameters<typeof TableColumn>[0]) => new TableColumn(o);
    await queryRunner.addColumns('store', [
      col(c.str('region', 32, { nullable: true })),
      col(c.str('address', 255, { nullable: true })),
      // micro-degrees (GCJ-02 as the map pickers give them): integers compare exactly on both databases
      col(c.int('lat_e6', { nullable: true })),
      col(c.int('lng_e6', { nullable: true })),
      col(c.str('opening_hours', 64, { nullable: true })),
      col(c.int('target_households', { nullable: true })),
      col(c.text('pickup_counters', { nullable: true })),
      col(c.int('wecom_department_id', { nullable: true })),
      col(c.bool('active', true)),
    ]);
    await queryRunner.createIndex('store', new TableIndex({ name: 'idx_store_wecom_dept', columnNames: ['wecom_department_id'] }));
    await queryRunner.addColumns('staff_user', [
      col(c.bool('must_change_password', false)),
      col(c.time('password_changed_at', { nullable: true })),
      col(c.time('departed_at', { nullable: true })),
      col(c.time('directory_synced_at', { nullable: true })),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'staff_audit',
        columns: [
          c.id(),
          c.time('at'),
          c.int('actor_staff_id', { nullable: true }),
          // who, as a name that survives the account: 总部管理员 (admin), 命令行, 通讯录同步
          c.str('actor_label', 64),
          c.str('action', 32),
          c.str('target_kind', 16),
          c.int('target_id', { nullable: true }),
          c.text('detail', { nullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'idx_staff_audit_at', columnNames: ['at'] }),
          new TableIndex({ name: 'idx_staff_audit_target', columnNames: ['target_kind', 'target_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'wecom_handover',
        columns: [
          c.id(),
          c.str('handover_userid', 64),
          c.str('takeover_userid', 64),
          c.str('external_userid', 64),
          // requested -> waiting (WeCom: 等待接替) -> done | refused | limit | failed
          c.str('status', 16),
          c.int('errcode', { nullable: true }),
          c.time('requested_at'),
          c.time('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_handover_contact', columnNames: ['handover_userid', 'external_userid'], isUnique: true }),
          new TableIndex({ name: 'idx_handover_status', columnNames: ['status'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('wecom_handover');
    await queryRunner.dropTable('staff_audit');
    for (const name of ['directory_synced_at', 'departed_at', 'password_changed_at', 'must_change_password']) await queryRunner.dropColumn('staff_user', name);
    await queryRunner.dropIndex('store', 'idx_store_wecom_dept');
    for (const name of ['active', 'wecom_department_id', 'pickup_counters', 'target_households', 'opening_hours', 'lng_e6', 'lat_e6', 'address', 'region'])
      await queryRunner.dropColumn('store', name);
  }
}
