import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Stores, households, members, consent log and staff accounts. */
// @Provide: @midwayjs/typeorm makes TypeORM resolve migration classes through the Midway container
@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentityTables1763800000100 implements MigrationInterface {
  name = 'IdentityTables1763800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const fk = (table: string, column: string, ref: string, onDelete: 'SET NULL' | 'CASCADE' | 'RESTRICT' = 'SET NULL') =>
      new TableForeignKey({ name: `fk_${table}_${column}`, columnNames: [column], referencedTableName: ref, referencedColumnNames: ['id'], onDelete });

    await queryRunner.createTable(
      new Table({
        name: 'store',
        columns: [c.id(), c.str('name', 64), c.time('created_at')],
        indices: [new TableIndex({ name: 'uq_store_name', columnNames: ['name'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'household',
        columns: [c.id(), c.str('name', 64), c.int('store_id', { nullable: true }), c.time('created_at')],
        indices: [new TableIndex({ name: 'idx_household_store', columnNames: ['store_id'] })],
        foreignKeys: [fk('household', 'store_id', 'store')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff_user',
        columns: [
          c.id(),
          c.str('username', 64),
          c.str('display_name', 64),
          c.str('password_hash', 255, { nullable: true }),
          c.str('role', 20),
          c.int('store_id', { nullable: true }),
          c.str('wecom_user_id', 64, { nullable: true }),
          c.bool('active', true),
          c.time('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_staff_username', columnNames: ['username'], isUnique: true }),
          new TableIndex({ name: 'uq_staff_wecom_user', columnNames: ['wecom_user_id'], isUnique: true }),
          new TableIndex({ name: 'idx_staff_store', columnNames: ['store_id'] }),
        ],
        foreignKeys: [fk('staff_user', 'store_id', 'store')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member',
        columns: [
          c.id(),
          c.str('openid', 64, { nullable: true }),
          c.str('unionid', 64, { nullable: true }),
          c.str('nickname', 64, { nullable: true }),
          c.str('avatar_url', 512, { nullable: true }),
          c.str('phone', 20, { nullable: true }),
          c.str('tier', 16, { default: '新客' }),
          c.int('store_id', { nullable: true }),
          c.int('household_id', { nullable: true }),
          c.str('household_relation', 16, { nullable: true }),
          c.int('group_owner_staff_id', { nullable: true }),
          c.str('consent_version', 32, { nullable: true }),
          c.str('status', 16, { default: 'active' }),
          c.time('created_at'),
          c.time('deleted_at', { nullable: true }),
        ],
        indices: [
          // NULLs never collide, so erased (deleted) members do not block the unique openid
          new TableIndex({ name: 'uq_member_openid', columnNames: ['openid'], isUnique: true }),
          new TableIndex({ name: 'idx_member_unionid', columnNames: ['unionid'] }),
          new TableIndex({ name: 'idx_member_store', columnNames: ['store_id', 'status'] }),
          new TableIndex({ name: 'idx_member_household', columnNames: ['household_id'] }),
          new TableIndex({ name: 'idx_member_group_owner', columnNames: ['group_owner_staff_id', 'status'] }),
        ],
        foreignKeys: [fk('member', 'store_id', 'store'), fk('member', 'household_id', 'household'), fk('member', 'group_owner_staff_id', 'staff_user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'consent_record',
        columns: [c.id(), c.int('member_id'), c.str('version', 32), c.str('action', 16), c.time('at')],
        indices: [new TableIndex({ name: 'idx_consent_member', columnNames: ['member_id', 'at'] })],
        foreignKeys: [fk('consent_record', 'member_id', 'member', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['consent_record', 'member', 'staff_user', 'household', 'store']) await queryRunner.dropTable(t);
  }
}
