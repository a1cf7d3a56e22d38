import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * feedback_notice becomes a claimable row (core/queue ClaimableRow): `due_at` is its
 * `next_attempt_at`, `error` its `last_error` (500), `status` 16 long, plus the attempt (fence)
 * and lease columns. MariaDB renames and widens in place (TypeORM's changeColumn would drop and
 * re-add a column whose length changes); SQLite rebuilds the table with the rows.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackNoticeClaim1765300100100 implements MigrationInterface {
  name = 'FeedbackNoticeClaim1765300100100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.dropIndex('feedback_notice', 'idx_feedback_notice_due');
    if (queryRunner.connection.driver.options.type === 'mysql') {
      await queryRunner.query(
        'ALTER TABLE feedback_notice MODIFY status varchar(16) NOT NULL, CHANGE error last_error varchar(500) NULL, CHANGE due_at next_attempt_at datetime(3) NOT NULL',
      );
    } else {
      await queryRunner.changeColumn('feedback_notice', 'status', new TableColumn(c.str('status', 16)));
      await queryRunner.changeColumn('feedback_notice', 'error', new TableColumn(c.str('last_error', 500, { nullable: true })));
      await queryRunner.changeColumn('feedback_notice', 'due_at', new TableColumn(c.time('next_attempt_at')));
    }
    await queryRunner.addColumns('feedback_notice', [
      new TableColumn(c.int('attempts', { default: 0 })),
      new TableColumn(c.time('locked_until', { nullable: true })),
    ]);
    // a claimed message has had its one attempt
    await queryRunner.query("UPDATE feedback_notice SET attempts = 1 WHERE status <> 'pending'");
    await queryRunner.createIndex('feedback_notice', new TableIndex({ name: 'idx_feedback_notice_due', columnNames: ['status', 'next_attempt_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.dropIndex('feedback_notice', 'idx_feedback_notice_due');
    await queryRunner.dropColumn('feedback_notice', 'locked_until');
    await queryRunner.dropColumn('feedback_notice', 'attempts');
    if (queryRunner.connection.driver.options.type === 'mysql') {
      await queryRunner.query(
        'ALTER TABLE feedback_notice MODIFY status varchar(10) NOT NULL, CHANGE last_error error varchar(200) NULL, CHANGE next_attempt_at due_at datetime(3) NOT NULL',
      );
    } else {
      await queryRunner.changeColumn('feedback_notice', 'status', new TableColumn(c.str('status', 10)));
      await queryRunner.changeColumn('feedback_notice', 'last_error', new TableColumn(c.str('error', 200, { nullable: true })));
      await queryRunner.changeColumn('feedback_notice', 'next_attempt_at', new TableColumn(c.time('due_at')));
    }
    await queryRunner.createIndex('feedback_notice', new TableIndex({ name: 'idx_feedback_notice_due', columnNames: ['status', 'due_at'] }));
  }
}
