import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

// @Provide: @midwayjs/typeorm makes TypeORM resolve migration classes through the Midway container
@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomContact1763800200000 implements MigrationInterface {
  name = 'WecomContact1763800200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'wecom_contact',
        columns: [
          c.id(),
          c.str('external_user_id', 64),
          c.str('name', 64, { nullable: true }),
          c.str('avatar', 512, { nullable: true }),
          c.str('unionid', 64, { nullable: true }),
          c.str('follow_user_id', 64, { nullable: true }),
          c.int('follow_staff_id', { nullable: true }),
          c.int('member_id', { nullable: true }),
          c.time('added_at', { nullable: true }),
          c.time('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_wecom_contact_external', columnNames: ['external_user_id'], isUnique: true }),
          new TableIndex({ name: 'idx_wecom_contact_unionid', columnNames: ['unionid'] }),
          new TableIndex({ name: 'idx_wecom_contact_member', columnNames: ['member_id'] }),
          new TableIndex({ name: 'idx_wecom_contact_follow', columnNames: ['follow_staff_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_wecom_contact_follow_staff',
            columnNames: ['follow_staff_id'],
            referencedTableName: 'staff_user',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
          new TableForeignKey({
            name: 'fk_wecom_contact_member',
            columnNames: ['member_id'],
            referencedTableName: 'member',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('wecom_contact');
  }
}
