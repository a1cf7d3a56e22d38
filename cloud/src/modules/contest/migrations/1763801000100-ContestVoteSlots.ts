import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Votes as single-statement inserts (see vote.service.ts):
 * - `slot` numbers a member's votes in a contest on a day (1..votesPerDay); the unique key
 *   (member, contest, day, slot) is the daily limit, so the quota table goes;
 * - `event_pending` marks a member-day's first vote until the relay has emitted ContestVoted for it;
 * - the entry index gains `voided` so the tally aggregator counts from the index alone.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestVoteSlots1763801000100 implements MigrationInterface {
  name = 'ContestVoteSlots1763801000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const mysql = queryRunner.connection.driver.options.type === 'mysql';
    await queryRunner.addColumn('contest_vote', new TableColumn(c.int('slot', { default: 0 })));
    await queryRunner.addColumn('contest_vote', new TableColumn(c.bool('event_pending', false)));
    // existing votes: number them per member-day in id order (their events were emitted by the old code)
    const ranked = 'SELECT id, ROW_NUMBER() OVER (PARTITION BY member_id, contest_id, day ORDER BY id) AS rn FROM contest_vote';
    await queryRunner.query(
      mysql
        ? `UPDATE contest_vote v JOIN (${ranked}) r ON r.id = v.id SET v.slot = r.rn`
        : `UPDATE contest_vote SET slot = (SELECT r.rn FROM (${ranked}) r WHERE r.id = contest_vote.id)`,
    );
    await queryRunner.createIndex(
      'contest_vote',
      new TableIndex({ name: 'uq_vote_slot', columnNames: ['member_id', 'contest_id', 'day', 'slot'], isUnique: true }),
    );
    await queryRunner.createIndex('contest_vote', new TableIndex({ name: 'idx_vote_event_pending', columnNames: ['event_pending', 'id'] }));
    await queryRunner.createIndex(
      'contest_vote',
      new TableIndex({ name: 'idx_vote_entry_tally', columnNames: ['entry_id', 'voided', 'new_account', 'created_at'] }),
    );
    await queryRunner.dropIndex('contest_vote', 'idx_vote_entry_new');
    await queryRunner.dropTable('contest_vote_quota');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'contest_vote_quota',
        columns: [c.id(), c.int('member_id'), c.int('contest_id'), c.str('day', 10), c.int('used', { default: 0 })],
        indices: [new TableIndex({ name: 'uq_vote_quota', columnNames: ['member_id', 'contest_id', 'day'], isUnique: true })],
      }),
    );
    await queryRunner.query(
      'INSERT INTO contest_vote_quota (member_id, contest_id, day, used) SELECT member_id, contest_id, day, COUNT(*) FROM contest_vote GROUP BY member_id, contest_id, day',
    );
    await queryRunner.createIndex('contest_vote', new TableIndex({ name: 'idx_vote_entry_new', columnNames: ['entry_id', 'new_account', 'created_at'] }));
    await queryRunner.dropIndex('contest_vote', 'idx_vote_entry_tally');
    await queryRunner.dropIndex('contest_vote', 'idx_vote_event_pending');
    await queryRunner.dropIndex('contest_vote', 'uq_vote_slot');
    await queryRunner.dropColumn('contest_vote', 'event_pending');
    await queryRunner.dropColumn('contest_vote', 'slot');
  }
}
