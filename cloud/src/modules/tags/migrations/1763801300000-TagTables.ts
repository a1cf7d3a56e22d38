import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Our tag store: tags and which member holds which (with source and time). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class TagTables1763801300000 implements MigrationInterface {
  name = 'TagTables1763801300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'tag',
        columns: [c.id(), c.str('name', 30), c.str('group_name', 30, { default: '行为标签' }), c.time('created_at')],
        indices: [new TableIndex({ name: 'uq_tag_name', columnNames: ['name'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_tag',
        // member_id has no foreign key: the member table belongs to identity (deletion arrives as MemberDeleted)
        columns: [c.id(), c.int('member_id'), c.int('tag_id'), c.str('source', 64), c.time('granted_at')],
        indices: [
          new TableIndex({ name: 'uq_member_tag', columnNames: ['member_id', 'tag_id'], isUnique: true }),
          new TableIndex({ name: 'idx_member_tag_tag', columnNames: ['tag_id', 'granted_at'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_member_tag_tag',
            columnNames: ['tag_id'],
            referencedTableName: 'tag',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('member_tag');
    await queryRunner.dropTable('tag');
  }
}
