import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** 素材库 images and files as WeCom temporary media: the cached media_id and its expiry (issue 17). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class MaterialMedia1765000000000 implements MigrationInterface {
  name = 'MaterialMedia1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const col = (o: ConstructorParameters<typeof TableColumn>[0]) => new TableColumn(o);
    await queryRunner.addColumns('material', [
      col(c.str('media_id', 128, { nullable: true })),
      col(c.time('media_expires_at', { nullable: true })),
      col(c.str('media_source', 1024, { nullable: true })),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('material', 'media_source');
    await queryRunner.dropColumn('material', 'media_expires_at');
    await queryRunner.dropColumn('material', 'media_id');
  }
}
