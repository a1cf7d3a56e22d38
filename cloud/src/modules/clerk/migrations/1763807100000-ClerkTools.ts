import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** 跟进记录, 话术库 and 素材库 (issue 17). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ClerkTools1763807100000 implements MigrationInterface {
  name = 'ClerkTools1763807100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'followup_note',
        columns: [
          c.id(),
          c.str('external_user_id', 64),
          c.int('member_id', { nullable: true }),
          c.int('staff_id'),
          c.str('staff_name', 40),
          c.str('kind', 8),
          c.str('text', 500),
          c.time('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_followup_note_contact', columnNames: ['external_user_id', 'id'] }),
          new TableIndex({ name: 'idx_followup_note_member', columnNames: ['member_id', 'id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'quick_reply',
        columns: [c.id(), c.str('group_name', 20), c.str('title', 40), c.str('content', 1000), c.int('created_by'), c.time('updated_at')],
        indices: [new TableIndex({ name: 'idx_quick_reply_group', columnNames: ['group_name', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'material',
        columns: [
          c.id(),
          c.str('group_name', 20),
          c.str('kind', 12),
          c.str('title', 64),
          c.str('url', 1024, { nullable: true }),
          c.str('pic_url', 512, { nullable: true }),
          c.str('description', 200),
          c.str('appid', 64, { nullable: true }),
          c.str('page', 256, { nullable: true }),
          c.int('created_by'),
          c.time('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_material_group', columnNames: ['group_name', 'id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('material');
    await queryRunner.dropTable('quick_reply');
    await queryRunner.dropTable('followup_note');
  }
}
