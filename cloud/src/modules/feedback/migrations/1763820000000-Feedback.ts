import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Feedback, rating prompts, member signals, settings, churn cases and alerts, personalisation, roster, arrivals. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class Feedback1763820000000 implements MigrationInterface {
  name = 'Feedback1763820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'feedback_item',
        columns: [
          c.id(),
          c.str('source_key', 80),
          c.int('member_id', { nullable: true }),
          c.int('store_id', { nullable: true }),
          c.str('source', 12),
          c.str('title', 80, { nullable: true }),
          c.int('rating', { nullable: true }),
          c.int('recommend', { nullable: true }),
          c.str('comment', 500, { nullable: true }),
          c.str('topics', 64),
          c.str('sentiment', 10),
          c.str('matched', 255),
          c.str('status', 10),
          c.int('assignee_id', { nullable: true }),
          c.str('answer', 500, { nullable: true }),
          c.str('answered_via', 12, { nullable: true }),
          c.time('answered_at', { nullable: true }),
          c.time('resolved_at', { nullable: true }),
          c.str('published_said', 200, { nullable: true }),
          c.str('published_changed', 300, { nullable: true }),
          c.time('published_at', { nullable: true }),
          c.time('created_at'),
        ],
        indices: [
          idx('uq_feedback_item_source', ['source_key'], true),
          idx('idx_feedback_item_store', ['store_id', 'created_at']),
          idx('idx_feedback_item_member', ['member_id', 'id']),
          idx('idx_feedback_item_published', ['published_at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'feedback_prompt',
        columns: [
          c.id(),
          c.str('source_key', 80),
          c.int('member_id'),
          c.int('store_id', { nullable: true }),
          c.str('kind', 12),
          c.str('title', 80),
          c.time('created_at'),
          c.time('answered_at', { nullable: true }),
        ],
        indices: [idx('uq_feedback_prompt_source', ['source_key'], true), idx('idx_feedback_prompt_member', ['member_id', 'answered_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'feedback_signal',
        columns: [c.id(), c.str('source_key', 80), c.int('member_id'), c.str('kind', 12), c.time('at')],
        indices: [idx('uq_feedback_signal_source', ['source_key'], true), idx('idx_feedback_signal_member', ['member_id', 'at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'feedback_settings',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          c.text('classifier_rules', { nullable: true }),
          c.text('winback', { nullable: true }),
          c.time('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'churn_case',
        columns: [
          c.id(),
          c.int('member_id'),
          c.int('store_id', { nullable: true }),
          c.str('cause', 20),
          c.str('note', 200, { nullable: true }),
          c.int('journey_id', { nullable: true }),
          c.bool('enrolled', false),
          c.int('recorded_by', { nullable: true }),
          c.time('recorded_at'),
        ],
        indices: [idx('idx_churn_case_member', ['member_id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'churn_lost_alert',
        columns: [
          c.id(),
          c.str('source_key', 80),
          c.str('external_user_id', 64),
          c.int('member_id', { nullable: true }),
          c.str('staff_user_id', 64),
          c.int('store_id', { nullable: true }),
          c.str('reason', 20),
          c.text('last_activities'),
          c.time('at'),
        ],
        indices: [idx('uq_churn_lost_alert_source', ['source_key'], true), idx('idx_churn_lost_alert_store', ['store_id', 'id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_personalisation',
        columns: [{ name: 'member_id', type: 'integer', isPrimary: true }, c.bool('personalised', true), c.time('updated_at')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff_shift',
        columns: [c.id(), c.int('store_id'), c.int('staff_id'), c.int('weekday'), c.str('start_hm', 5), c.str('end_hm', 5)],
        indices: [idx('idx_staff_shift_store', ['store_id', 'weekday'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_arrival',
        columns: [
          c.id(),
          c.int('member_id'),
          c.int('store_id'),
          c.str('visit_day', 10),
          c.str('via', 12),
          c.time('arrived_at'),
          c.str('profile', 255),
          c.str('suggestion', 255, { nullable: true }),
          c.str('reason', 255, { nullable: true }),
          c.str('notified', 255),
        ],
        indices: [idx('uq_member_arrival_visit', ['member_id', 'store_id', 'visit_day'], true), idx('idx_member_arrival_store', ['store_id', 'arrived_at'])],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of [
      'member_arrival',
      'staff_shift',
      'member_personalisation',
      'churn_lost_alert',
      'churn_case',
      'feedback_settings',
      'feedback_signal',
      'feedback_prompt',
      'feedback_item',
    ]) {
      await queryRunner.dropTable(t);
    }
  }
}
