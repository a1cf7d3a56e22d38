import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Classes, sessions, registrations, subscribe-message send records and no-show blocks. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassesTables1763802000000 implements MigrationInterface {
  name = 'ClassesTables1763802000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const fk = (table: string, column: string, ref: string, onDelete: 'CASCADE' | 'RESTRICT') =>
      new TableForeignKey({ name: `fk_${table}_${column}`, columnNames: [column], referencedTableName: ref, referencedColumnNames: ['id'], onDelete });
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });

    await queryRunner.createTable(
      new Table({
        name: 'class_def',
        columns: [
          c.id(),
          c.str('title', 64),
          c.str('type', 24),
          c.str('host_name', 64),
          c.int('store_id'),
          c.str('room', 64, { nullable: true }),
          c.int('adult_seats'),
          c.int('child_seats'),
          c.int('price_fen'),
          c.int('reg_close_min'),
          c.int('cancel_close_min'),
          c.str('cover_url', 512, { nullable: true }),
          c.text('description'),
          c.text('tags'),
          c.str('recurrence', 64, { nullable: true }),
          c.int('created_by_staff_id', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [idx('idx_class_def_store', ['store_id', 'created_at'])],
        foreignKeys: [fk('class_def', 'store_id', 'store', 'RESTRICT')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'class_session',
        columns: [
          c.id(),
          c.int('class_id'),
          c.int('store_id'),
          c.time('starts_at'),
          c.time('ends_at'),
          c.str('status', 16),
          c.int('adult_seats'),
          c.int('child_seats'),
          c.int('adult_left'),
          c.int('child_left'),
          c.int('arrival_seq', { default: 0 }),
          c.int('waiting_count', { default: 0 }),
          c.time('registration_deadline'),
          c.time('cancellation_deadline'),
          c.str('checkin_token', 32),
          c.time('finished_at', { nullable: true }),
          c.time('created_at'),
        ],
        indices: [
          idx('idx_class_session_class', ['class_id', 'starts_at']),
          idx('idx_class_session_store', ['store_id', 'starts_at']),
          idx('idx_class_session_status', ['status', 'starts_at']),
          idx('uq_class_session_token', ['checkin_token'], true),
        ],
        foreignKeys: [fk('class_session', 'class_id', 'class_def', 'CASCADE')],
      }),
    );
    // No foreign key from registration to session on purpose: on InnoDB the FK check takes a
    // shared lock on the session row, and the same transaction then updates that row (seats), so
    // concurrent registrations would deadlock on the S -> X upgrade.
    await queryRunner.createTable(
      new Table({
        name: 'class_registration',
        columns: [
          c.id(),
          c.int('session_id'),
          c.int('member_id'),
          c.int('household_id', { nullable: true }),
          c.int('adults'),
          c.int('children'),
          c.str('child_ages', 64, { nullable: true }),
          c.str('status', 16),
          c.int('arrival_seq', { nullable: true }),
          c.str('short_code', 8),
          c.str('checkin_token', 32),
          c.bool('sub_24h', false),
          c.bool('sub_2h', false),
          c.bool('sub_promoted', false),
          c.time('created_at'),
          c.time('promoted_at', { nullable: true }),
          c.time('cancelled_at', { nullable: true }),
          c.str('cancelled_by', 8, { nullable: true }),
          c.time('checked_in_at', { nullable: true }),
          c.int('checked_in_by_staff_id', { nullable: true }),
          c.str('checkin_method', 16, { nullable: true }),
          c.int('stars', { nullable: true }),
          c.text('comment', { nullable: true }),
          c.time('rated_at', { nullable: true }),
        ],
        indices: [
          idx('uq_class_reg_member', ['session_id', 'member_id'], true),
          idx('uq_class_reg_code', ['session_id', 'short_code'], true),
          idx('uq_class_reg_token', ['checkin_token'], true),
          idx('idx_class_reg_queue', ['session_id', 'status', 'arrival_seq']),
          idx('idx_class_reg_member', ['member_id', 'status']),
          idx('idx_class_reg_rated', ['rated_at']),
        ],
        foreignKeys: [fk('class_registration', 'member_id', 'member', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'class_notice',
        columns: [
          c.id(),
          c.int('registration_id'),
          c.str('kind', 16),
          c.str('status', 16),
          c.str('template_id', 64),
          c.str('error', 200, { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
          c.time('sent_at', { nullable: true }),
        ],
        indices: [idx('uq_class_notice', ['registration_id', 'kind'], true), idx('idx_class_notice_status', ['status', 'id'])],
        foreignKeys: [fk('class_notice', 'registration_id', 'class_registration', 'CASCADE')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'class_block',
        columns: [
          c.id(),
          c.int('member_id'),
          c.int('store_id', { nullable: true }),
          c.int('trigger_registration_id'),
          c.str('reason', 200),
          c.time('blocked_from'),
          c.time('blocked_until'),
          c.time('lifted_at', { nullable: true }),
          c.int('lifted_by_staff_id', { nullable: true }),
          c.time('created_at'),
        ],
        indices: [idx('idx_class_block_member', ['member_id', 'blocked_until']), idx('uq_class_block_trigger', ['trigger_registration_id'], true)],
        foreignKeys: [fk('class_block', 'member_id', 'member', 'CASCADE')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['class_block', 'class_notice', 'class_registration', 'class_session', 'class_def']) await queryRunner.dropTable(t);
  }
}
