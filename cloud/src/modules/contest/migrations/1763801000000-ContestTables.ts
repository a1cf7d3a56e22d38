import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Contests, entries, votes with the daily quota rows, vote flags, the blocked-word list and the
 * audit log. member_id columns have no foreign key: members belong to identity.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestTables1763801000000 implements MigrationInterface {
  name = 'ContestTables1763801000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const fk = (table: string, column: string, ref: string) =>
      new TableForeignKey({
        name: `fk_${table}_${column}`,
        columnNames: [column],
        referencedTableName: ref,
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });

    await queryRunner.createTable(
      new Table({
        name: 'contest',
        columns: [
          c.id(),
          c.str('title', 60),
          c.str('cover_url', 512, { nullable: true }),
          c.text('rules_text'),
          c.str('prize_text', 500, { default: '' }),
          c.time('submission_start_at'),
          c.time('submission_end_at'),
          c.time('vote_start_at'),
          c.time('vote_end_at'),
          c.int('votes_per_day', { default: 3 }),
          c.int('jury_weight', { default: 0 }),
          c.bool('auto_approve_clean', false),
          c.str('status', 16, { default: 'draft' }),
          c.time('published_at', { nullable: true }),
          c.time('closed_at', { nullable: true }),
          c.int('created_by_staff_id', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_contest_status_vote_end', columnNames: ['status', 'vote_end_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contest_entry',
        columns: [
          c.id(),
          c.int('contest_id'),
          c.int('member_id'),
          c.str('client_request_id', 64),
          c.str('display_name', 32),
          c.str('title', 64),
          c.text('story'),
          c.text('ingredients'),
          c.text('steps'),
          c.text('photos'),
          c.str('status', 16),
          c.str('reject_reason', 200, { nullable: true }),
          c.text('check_hits'),
          c.bool('auto_approved', false),
          c.int('reviewed_by_staff_id', { nullable: true }),
          c.time('reviewed_at', { nullable: true }),
          c.time('approved_at', { nullable: true }),
          c.int('vote_count', { default: 0 }),
          c.int('flagged_vote_count', { default: 0 }),
          c.int('voided_vote_count', { default: 0 }),
          c.time('tally_reached_at', { nullable: true }),
          c.int('jury_score', { nullable: true }),
          c.int('final_rank', { nullable: true }),
          c.int('final_score_x100', { nullable: true }),
          c.int('final_votes', { nullable: true }),
          c.str('award', 16, { nullable: true }),
          c.time('award_confirmed_at', { nullable: true }),
          c.time('award_listed_at', { nullable: true }),
          c.str('dish_name', 64, { nullable: true }),
          c.int('dish_id', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_entry_member_request', columnNames: ['member_id', 'client_request_id'], isUnique: true }),
          new TableIndex({ name: 'idx_entry_hot', columnNames: ['contest_id', 'status', 'vote_count', 'tally_reached_at'] }),
          new TableIndex({ name: 'idx_entry_new', columnNames: ['contest_id', 'status', 'approved_at'] }),
          new TableIndex({ name: 'idx_entry_member', columnNames: ['member_id', 'contest_id'] }),
        ],
        foreignKeys: [fk('contest_entry', 'contest_id', 'contest')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contest_vote',
        columns: [
          c.id(),
          c.int('contest_id'),
          c.int('entry_id'),
          c.int('member_id'),
          c.str('day', 10),
          c.time('created_at'),
          c.str('ip', 45, { nullable: true }),
          c.bool('new_account', false),
          c.bool('burst', false),
          c.bool('voided', false),
          c.time('voided_at', { nullable: true }),
          c.int('voided_by_staff_id', { nullable: true }),
          c.str('void_reason', 200, { nullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'uq_vote_member_entry_day', columnNames: ['member_id', 'entry_id', 'day'], isUnique: true }),
          new TableIndex({ name: 'idx_vote_entry_new', columnNames: ['entry_id', 'new_account', 'created_at'] }),
          new TableIndex({ name: 'idx_vote_contest', columnNames: ['contest_id', 'created_at'] }),
        ],
        // no FK to contest_entry: an FK check would take a shared lock on the hot entry row on every vote
        foreignKeys: [],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contest_vote_quota',
        columns: [c.id(), c.int('member_id'), c.int('contest_id'), c.str('day', 10), c.int('used', { default: 0 })],
        indices: [new TableIndex({ name: 'uq_vote_quota', columnNames: ['member_id', 'contest_id', 'day'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contest_vote_flag',
        columns: [
          c.id(),
          c.int('contest_id'),
          c.int('entry_id'),
          c.str('kind', 32),
          c.time('window_start'),
          c.int('vote_count'),
          c.time('raised_at'),
          c.str('status', 16, { default: 'open' }),
          c.int('resolved_by_staff_id', { nullable: true }),
          c.time('resolved_at', { nullable: true }),
          c.str('resolved_note', 200, { nullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'uq_vote_flag', columnNames: ['entry_id', 'kind', 'window_start'], isUnique: true }),
          new TableIndex({ name: 'idx_vote_flag_contest', columnNames: ['contest_id', 'status'] }),
        ],
        foreignKeys: [fk('contest_vote_flag', 'contest_id', 'contest')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contest_blocked_word',
        columns: [c.id(), c.str('word', 30), c.int('created_by_staff_id', { nullable: true }), c.time('created_at')],
        indices: [new TableIndex({ name: 'uq_contest_blocked_word', columnNames: ['word'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contest_audit',
        columns: [
          c.id(),
          c.int('contest_id'),
          c.int('staff_id', { nullable: true }),
          c.str('action', 32),
          c.int('target_id', { nullable: true }),
          c.str('text', 300),
          c.text('detail'),
          c.time('at'),
        ],
        indices: [new TableIndex({ name: 'idx_contest_audit', columnNames: ['contest_id', 'at'] })],
        foreignKeys: [fk('contest_audit', 'contest_id', 'contest')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['contest_audit', 'contest_blocked_word', 'contest_vote_flag', 'contest_vote_quota', 'contest_vote', 'contest_entry', 'contest']) {
      await queryRunner.dropTable(t);
    }
  }
}
