import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex, TableForeignKey } from 'typeorm';
import { columnKit } from '../migration-kit';

/** Sessions and the outbox (domain_event + event_delivery). */
// @Provide: @midwayjs/typeorm makes TypeORM resolve migration classes through the Midway container
@Provide()
@Scope(ScopeEnum.Singleton)
export class CoreTables1763800000000 implements MigrationInterface {
  name = 'CoreTables1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'session',
        columns: [
          c.id(),
          c.str('token_hash', 64),
          c.str('subject_type', 8),
          c.int('subject_id'),
          c.time('created_at'),
          c.time('expires_at'),
          c.time('last_seen_at', { nullable: true }),
          c.str('user_agent', 255, { nullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'uq_session_token_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_session_subject', columnNames: ['subject_type', 'subject_id'] }),
          new TableIndex({ name: 'idx_session_expires', columnNames: ['expires_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'domain_event',
        columns: [
          c.id(),
          c.str('type', 64),
          c.text('payload'),
          c.time('created_at'),
          c.time('dispatched_at', { nullable: true }),
          c.int('attempts', { default: 0 }),
          c.str('last_error', 500, { nullable: true }),
        ],
        indices: [new TableIndex({ name: 'idx_domain_event_pending', columnNames: ['dispatched_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'event_delivery',
        columns: [c.id(), c.int('event_id'), c.str('handler', 128), c.time('delivered_at')],
        indices: [new TableIndex({ name: 'uq_event_delivery', columnNames: ['event_id', 'handler'], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_event_delivery_event',
            columnNames: ['event_id'],
            referencedTableName: 'domain_event',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('event_delivery');
    await queryRunner.dropTable('domain_event');
    await queryRunner.dropTable('session');
  }
}
