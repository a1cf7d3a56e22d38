import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../core/migration-kit';

/**
 * platform_token: shared cache of WeCom/WeChat access tokens and tickets. Table API = SQLite + MySQL.
 * @Provide: @midwayjs/typeorm hands TypeORM the Midway container (useContainer), so TypeORM
 * instantiates migration classes through it; an unregistered class fails with MIDWAY_10003.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class PlatformToken1763800100000 implements MigrationInterface {
  name = 'PlatformToken1763800100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'platform_token',
        columns: [c.id(), c.str('cache_key', 191), c.text('value'), c.time('expires_at'), c.time('updated_at')],
        indices: [new TableIndex({ name: 'uq_platform_token_key', columnNames: ['cache_key'], isUnique: true })],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('platform_token');
  }
}
