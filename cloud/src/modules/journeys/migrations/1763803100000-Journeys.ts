import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';
import { BUILTIN_JOURNEYS, DEFAULT_SETTINGS } from '../defaults';

/** Journeys: definitions (with the two built-in ones), customers and activity projections, enrolments, step log, tasks, coupons. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class Journeys1763803100000 implements MigrationInterface {
  name = 'Journeys1763803100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'journey',
        columns: [
          c.id(),
          c.str('builtin_key', 32, { nullable: true }),
          c.str('name', 40),
          c.text('description'),
          c.bool('active', true),
          c.text('trigger_def'),
          c.text('steps'),
          c.int('version', { default: 1 }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [idx('uq_journey_builtin', ['builtin_key'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'journey_customer',
        columns: [
          c.id(),
          c.str('external_user_id', 64),
          c.int('member_id', { nullable: true }),
          c.bool('is_primary', false),
          c.str('staff_user_id', 64),
          c.time('added_at'),
          c.time('lost_at', { nullable: true }),
          c.time('last_reply_at', { nullable: true }),
          c.bool('opted_out', false),
          c.time('updated_at'),
        ],
        indices: [idx('uq_journey_customer_ext', ['external_user_id'], true), idx('idx_journey_customer_member', ['member_id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'activity_log',
        columns: [
          c.id(),
          c.int('member_id', { nullable: true }),
          c.str('external_user_id', 64, { nullable: true }),
          c.str('kind', 16),
          c.time('at'),
          c.str('source_key', 80),
        ],
        indices: [idx('uq_activity_log_source', ['source_key'], true), idx('idx_activity_log_member', ['member_id', 'at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_activity',
        columns: [
          { name: 'member_id', type: 'integer', isPrimary: true },
          c.time('last_interaction_at'),
          c.time('last_visit_at', { nullable: true }),
          c.time('last_order_at', { nullable: true }),
          c.time('last_checkin_at', { nullable: true }),
          c.time('last_reply_at', { nullable: true }),
          c.str('last_order_title', 64, { nullable: true }),
        ],
        indices: [idx('idx_member_activity_last', ['last_interaction_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'journey_enrolment',
        columns: [
          c.id(),
          c.int('journey_id'),
          c.str('external_user_id', 64),
          c.int('member_id', { nullable: true }),
          c.str('staff_user_id', 64),
          c.time('episode_at'),
          c.str('status', 12),
          c.int('next_step', { default: 0 }),
          c.time('next_due_at', { nullable: true }),
          c.time('enrolled_at'),
          c.str('exit_reason', 64, { nullable: true }),
          c.time('updated_at'),
        ],
        indices: [
          idx('uq_journey_enrolment_episode', ['journey_id', 'external_user_id', 'episode_at'], true),
          idx('idx_journey_enrolment_due', ['status', 'next_due_at']),
          idx('idx_journey_enrolment_walk', ['status', 'id']),
          idx('idx_journey_enrolment_customer', ['external_user_id']),
          idx('idx_journey_enrolment_journey', ['journey_id', 'status', 'next_step']),
          idx('idx_journey_enrolment_member', ['member_id']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'journey_step_log',
        columns: [
          c.id(),
          c.int('enrolment_id'),
          c.int('step_index', { nullable: true }),
          c.str('outcome', 24),
          c.str('detail', 255, { nullable: true }),
          c.time('at'),
        ],
        indices: [idx('idx_journey_step_log_enrolment', ['enrolment_id', 'id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'journey_message',
        columns: [c.id(), c.str('external_user_id', 64), c.int('enrolment_id'), c.int('step_index'), c.time('at')],
        indices: [idx('idx_journey_message_customer', ['external_user_id', 'at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'journey_settings',
        columns: [{ name: 'id', type: 'integer', isPrimary: true }, c.str('quiet_start', 5), c.str('quiet_end', 5), c.int('weekly_cap'), c.time('updated_at')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff_task',
        columns: [
          c.id(),
          c.str('idem_key', 96),
          c.str('assignee', 16),
          c.str('staff_user_id', 64, { nullable: true }),
          c.int('store_id', { nullable: true }),
          c.str('external_user_id', 64),
          c.int('member_id', { nullable: true }),
          c.int('enrolment_id', { nullable: true }),
          c.str('journey_name', 40, { nullable: true }),
          c.str('title', 60),
          c.str('detail', 500),
          c.str('status', 12),
          c.time('due_at'),
          c.time('created_at'),
          c.time('done_at', { nullable: true }),
          c.int('done_by', { nullable: true }),
        ],
        indices: [
          idx('uq_staff_task_key', ['idem_key'], true),
          idx('idx_staff_task_staff', ['staff_user_id', 'status']),
          idx('idx_staff_task_store', ['store_id', 'assignee', 'status']),
          idx('idx_staff_task_customer', ['external_user_id', 'status']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'journey_coupon',
        columns: [
          c.id(),
          c.str('idem_key', 96),
          c.int('member_id', { nullable: true }),
          c.str('external_user_id', 64),
          c.int('enrolment_id', { nullable: true }),
          c.str('title', 40),
          c.int('amount_fen'),
          c.int('min_spend_fen'),
          c.time('valid_until'),
          c.str('status', 12),
          c.time('issued_at'),
        ],
        indices: [idx('uq_journey_coupon_key', ['idem_key'], true), idx('idx_journey_coupon_member', ['member_id', 'issued_at'])],
      }),
    );

    // the built-in journeys and default settings, editable afterwards
    // raw inserts (no entity metadata): UTC datetime text and 0/1 bind on both drivers
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const j of BUILTIN_JOURNEYS) {
      await queryRunner.query(
        'INSERT INTO journey (builtin_key, name, description, active, trigger_def, steps, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, 1, ?, ?)',
        [j.key, j.name, j.description, JSON.stringify(j.trigger), JSON.stringify(j.steps), now, now],
      );
    }
    await queryRunner.query('INSERT INTO journey_settings (id, quiet_start, quiet_end, weekly_cap, updated_at) VALUES (1, ?, ?, ?, ?)', [
      DEFAULT_SETTINGS.quietStart,
      DEFAULT_SETTINGS.quietEnd,
      DEFAULT_SETTINGS.weeklyCapPerCustomer,
      now,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of [
      'journey_coupon',
      'staff_task',
      'journey_settings',
      'journey_message',
      'journey_step_log',
      'journey_enrolment',
      'member_activity',
      'activity_log',
      'journey_customer',
      'journey',
    ]) {
      await queryRunner.dropTable(t);
    }
  }
}
