import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * The per-member entry cap as a unique key (see EntryService.submit): `member_slot` numbers a
 * member's live entries in a contest (1..cap), withdrawn entries hold none. Existing entries are
 * numbered per member and contest in id order; a member who got past the old soft cap keeps every
 * entry (slots above the cap) and simply cannot submit more.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestEntrySlots1763801000200 implements MigrationInterface {
  name = 'ContestEntrySlots1763801000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const mysql = queryRunner.connection.driver.options.type === 'mysql';
    await queryRunner.addColumn('contest_entry', new TableColumn(c.int('member_slot', { nullable: true })));
    const ranked = "SELECT id, ROW_NUMBER() OVER (PARTITION BY contest_id, member_id ORDER BY id) AS rn FROM contest_entry WHERE status <> 'withdrawn'";
    await queryRunner.query(
      mysql
        ? `UPDATE contest_entry e JOIN (${ranked}) r ON r.id = e.id SET e.member_slot = r.rn`
        : `UPDATE contest_entry SET member_slot = (SELECT r.rn FROM (${ranked}) r WHERE r.id = contest_entry.id) WHERE status <> 'withdrawn'`,
    );
    await queryRunner.createIndex(
      'contest_entry',
      new TableIndex({ name: 'uq_entry_member_slot', columnNames: ['contest_id', 'member_id', 'member_slot'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('contest_entry', 'uq_entry_member_slot');
    await queryRunner.dropColumn('contest_entry', 'member_slot');
  }
}
