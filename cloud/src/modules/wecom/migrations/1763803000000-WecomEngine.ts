import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** WeCom engine: callback inbox, channels (contact ways) and attribution, welcome log, outbound effects, group chats. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomEngine1763803000000 implements MigrationInterface {
  name = 'WecomEngine1763803000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'wecom_callback_inbox',
        columns: [
          c.id(),
          c.str('dedupe_key', 40),
          c.str('event', 64),
          c.str('change_type', 64, { nullable: true }),
          c.str('external_user_id', 64, { nullable: true }),
          c.str('user_id', 64, { nullable: true }),
          c.text('payload'),
          c.time('event_at'),
          c.time('received_at'),
          c.str('status', 16),
          c.int('attempts', { default: 0 }),
          c.time('next_attempt_at'),
          c.time('locked_until', { nullable: true }),
          c.time('processed_at', { nullable: true }),
          c.str('last_error', 500, { nullable: true }),
        ],
        indices: [idx('uq_wecom_inbox_dedupe', ['dedupe_key'], true), idx('idx_wecom_inbox_due', ['status', 'next_attempt_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'wecom_channel',
        columns: [
          c.id(),
          c.str('name', 40),
          c.str('kind', 16),
          c.str('state', 30),
          c.str('config_id', 64, { nullable: true }),
          c.str('qr_code', 512, { nullable: true }),
          c.int('way_type'),
          c.bool('skip_verify', true),
          c.text('staff_user_ids'),
          c.text('backup_user_ids'),
          c.text('routed_user_ids'),
          c.int('routing_version', { default: 0 }),
          c.int('daily_cap', { default: 0 }),
          c.text('tag_names'),
          c.text('welcome'),
          c.int('store_id', { nullable: true }),
          c.int('referrer_member_id', { nullable: true }),
          c.bool('active', true),
          c.int('created_by', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          idx('uq_wecom_channel_state', ['state'], true),
          idx('idx_wecom_channel_store', ['store_id']),
          idx('uq_wecom_channel_referrer', ['referrer_member_id'], true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'wecom_channel_add',
        columns: [
          c.id(),
          c.int('inbox_id'),
          c.int('channel_id', { nullable: true }),
          c.str('state', 30, { nullable: true }),
          c.str('external_user_id', 64),
          c.str('user_id', 64),
          c.int('referrer_member_id', { nullable: true }),
          c.time('added_at'),
          c.time('deleted_at', { nullable: true }),
          c.bool('lost_within_7d', false),
          c.str('delete_reason', 20, { nullable: true }),
        ],
        indices: [
          idx('uq_wecom_channel_add_inbox', ['inbox_id'], true),
          idx('idx_wecom_channel_add_channel', ['channel_id', 'added_at']),
          idx('idx_wecom_channel_add_pair', ['external_user_id', 'user_id']),
          idx('idx_wecom_channel_add_user_day', ['user_id', 'added_at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'wecom_welcome_log',
        columns: [
          c.id(),
          c.int('inbox_id'),
          c.str('external_user_id', 64),
          c.str('user_id', 64),
          c.int('channel_id', { nullable: true }),
          c.time('event_at'),
          c.time('received_at'),
          c.time('sent_at', { nullable: true }),
          c.int('delay_ms', { nullable: true }),
          c.int('processing_ms', { nullable: true }),
          c.str('status', 20),
          c.int('errcode', { nullable: true }),
        ],
        indices: [
          idx('uq_wecom_welcome_inbox', ['inbox_id'], true),
          idx('idx_wecom_welcome_sent', ['sent_at']),
          idx('idx_wecom_welcome_channel', ['channel_id']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'wecom_outbound',
        columns: [
          c.id(),
          c.str('idem_key', 191),
          c.str('kind', 32),
          c.text('payload'),
          c.str('status', 16),
          c.int('attempts', { default: 0 }),
          c.time('next_attempt_at'),
          c.time('locked_until', { nullable: true }),
          c.time('started_at', { nullable: true }),
          c.int('last_errcode', { nullable: true }),
          c.str('last_error', 500, { nullable: true }),
          c.text('result', { nullable: true }),
          c.str('ref', 64, { nullable: true }),
          c.time('created_at'),
          c.time('sent_at', { nullable: true }),
        ],
        indices: [idx('uq_wecom_outbound_key', ['idem_key'], true), idx('idx_wecom_outbound_due', ['status', 'next_attempt_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'wecom_group_chat',
        columns: [
          c.id(),
          c.str('chat_id', 64),
          c.str('name', 64, { nullable: true }),
          c.str('owner_user_id', 64, { nullable: true }),
          c.int('member_count', { default: 0 }),
          c.int('external_count', { default: 0 }),
          c.bool('dismissed', false),
          c.time('updated_at'),
        ],
        indices: [idx('uq_wecom_group_chat_chat', ['chat_id'], true)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['wecom_group_chat', 'wecom_outbound', 'wecom_welcome_log', 'wecom_channel_add', 'wecom_channel', 'wecom_callback_inbox']) {
      await queryRunner.dropTable(t);
    }
  }
}
