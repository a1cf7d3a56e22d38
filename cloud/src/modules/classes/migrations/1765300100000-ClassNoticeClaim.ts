import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * class_notice becomes a claimable row (core/queue ClaimableRow): the attempt (fence), due, lease
 * and last-error columns every queue table has; the old `error` column moves into `last_error`.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassNoticeClaim1765300100000 implements MigrationInterface {
  name = 'ClassNoticeClaim1765300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumns('class_notice', [
      new TableColumn(c.int('attempts', { default: 0 })),
      new TableColumn(c.time('next_attempt_at', { nullable: true })),
      new TableColumn(c.time('locked_until', { nullable: true })),
      new TableColumn(c.str('last_error', 500, { nullable: true })),
    ]);
    // every notice was due when written; a claimed one has had its one attempt
    await queryRunner.query(
      "UPDATE class_notice SET next_attempt_at = created_at, last_error = error, attempts = CASE WHEN status = 'pending' THEN 0 ELSE 1 END",
    );
    await queryRunner.changeColumn('class_notice', 'next_attempt_at', new TableColumn(c.time('next_attempt_at')));
    await queryRunner.dropColumn('class_notice', 'error');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('class_notice', new TableColumn(c.str('error', 200, { nullable: true })));
    await queryRunner.query('UPDATE class_notice SET error = SUBSTR(last_error, 1, 200)');
    for (const column of ['last_error', 'locked_until', 'next_attempt_at', 'attempts']) await queryRunner.dropColumn('class_notice', column);
  }
}
