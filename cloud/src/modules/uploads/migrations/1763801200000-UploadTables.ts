import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Uploaded and generated images (the bytes live in the file storage). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class UploadTables1763801200000 implements MigrationInterface {
  name = 'UploadTables1763801200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'upload',
        columns: [
          c.id(),
          c.str('name', 40),
          c.str('thumb_name', 40, { nullable: true }),
          c.str('mime', 16),
          c.int('bytes'),
          c.int('width'),
          c.int('height'),
          c.str('kind', 16),
          c.str('owner_type', 8),
          c.int('owner_id', { nullable: true }),
          c.time('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_upload_name', columnNames: ['name'], isUnique: true }),
          new TableIndex({ name: 'idx_upload_owner', columnNames: ['owner_type', 'owner_id', 'created_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upload');
  }
}
