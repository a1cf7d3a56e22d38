import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Customer groups: who is (and was) in each group, and the fetch time of the snapshot applied last. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomGroupMembers1763804000000 implements MigrationInterface {
  name = 'WecomGroupMembers1763804000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('wecom_group_chat', new TableColumn(c.time('synced_at', { nullable: true })));
    await queryRunner.addColumn('wecom_group_chat', new TableColumn(c.time('wx_created_at', { nullable: true })));
    await queryRunner.createTable(
      new Table({
        name: 'wecom_group_member',
        columns: [
          c.id(),
          c.str('chat_id', 64),
          c.str('user_id', 64),
          c.int('member_type'),
          c.str('unionid', 64, { nullable: true }),
          c.str('name', 64, { nullable: true }),
          c.time('joined_at'),
          c.time('left_at', { nullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'uq_wecom_group_member_stay', columnNames: ['chat_id', 'user_id', 'joined_at'], isUnique: true }),
          new TableIndex({ name: 'idx_wecom_group_member_open', columnNames: ['chat_id', 'left_at'] }),
          new TableIndex({ name: 'idx_wecom_group_member_user', columnNames: ['user_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('wecom_group_member');
    await queryRunner.dropColumn('wecom_group_chat', 'wx_created_at');
    await queryRunner.dropColumn('wecom_group_chat', 'synced_at');
  }
}
