import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Insight read models, snapshots, settings, A/B tests. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class Insight1765000000000 implements MigrationInterface {
  name = 'Insight1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    const pk = (name: string) => ({ name, type: 'integer', isPrimary: true });
    await queryRunner.createTable(
      new Table({
        name: 'insight_member',
        columns: [
          pk('member_id'),
          c.int('store_id', { nullable: true }),
          c.int('household_id', { nullable: true }),
          c.str('household_kind', 16, { nullable: true }),
          c.int('owner_staff_id', { nullable: true }),
          c.time('registered_at'),
        ],
        indices: [idx('idx_insight_member_store', ['store_id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'insight_purchase',
        columns: [pk('receipt_id'), c.int('member_id'), c.int('store_id'), c.int('total_fen'), c.str('categories', 500), c.time('occurred_at')],
        indices: [idx('idx_insight_purchase_member', ['member_id', 'occurred_at']), idx('idx_insight_purchase_time', ['occurred_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'insight_activity',
        columns: [c.id(), c.str('source_key', 80), c.int('member_id'), c.str('kind', 12), c.time('at')],
        indices: [
          idx('uq_insight_activity_source', ['source_key'], true),
          idx('idx_insight_activity_member', ['member_id', 'at']),
          idx('idx_insight_activity_time', ['at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'insight_contact',
        columns: [
          c.id(),
          c.str('source_key', 160),
          c.str('kind', 8),
          c.int('member_id', { nullable: true }),
          c.str('channel_kind', 24, { nullable: true }),
          c.bool('referral', false),
          c.time('at'),
        ],
        indices: [idx('uq_insight_contact_source', ['source_key'], true), idx('idx_insight_contact_time', ['at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'insight_snapshot',
        columns: [c.id(), c.str('scope', 40), c.str('period_from', 10), c.str('period_to', 10), c.text('body'), c.time('computed_at')],
        indices: [idx('uq_insight_snapshot', ['scope', 'period_from', 'period_to'], true)],
      }),
    );
    await queryRunner.createTable(new Table({ name: 'insight_settings', columns: [pk('id'), c.text('body'), c.time('updated_at')] }));
    await queryRunner.createTable(
      new Table({
        name: 'insight_ab_test',
        columns: [
          c.id(),
          c.str('name', 40),
          c.int('journey_id'),
          c.int('step_index'),
          c.str('goal', 12),
          c.int('window_days'),
          c.int('floor_permille'),
          c.text('variants'),
          c.str('status', 10),
          c.int('winner', { nullable: true }),
          c.int('created_by'),
          c.time('created_at'),
          c.time('stopped_at', { nullable: true }),
        ],
        indices: [idx('idx_insight_ab_test_step', ['journey_id', 'step_index', 'status'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'insight_ab_assignment',
        columns: [c.id(), c.int('test_id'), c.int('member_id'), c.int('variant'), c.time('assigned_at'), c.time('converted_at', { nullable: true })],
        indices: [idx('uq_insight_ab_assignment', ['test_id', 'member_id'], true), idx('idx_insight_ab_assignment_member', ['member_id', 'converted_at'])],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of [
      'insight_ab_assignment',
      'insight_ab_test',
      'insight_settings',
      'insight_snapshot',
      'insight_contact',
      'insight_activity',
      'insight_purchase',
      'insight_member',
    ])
      await queryRunner.dropTable(t);
  }
}
