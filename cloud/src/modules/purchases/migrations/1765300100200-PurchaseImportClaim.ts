import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * purchase_import becomes a claimable row (core/queue ClaimableRow, waiting status 'queued'): the
 * attempt (fence), due, lease and last-error columns every queue table has; `locked_until` takes
 * over from `heartbeat_at` (the runner renews it with its progress). A run that was going on is
 * given a lease ending at its last heartbeat: migrations run while the servers are stopped, so its
 * runner is gone and the job resumes it at once. The status column widens to the shared 16.
 */
/**
 * TypeORM's changeColumn drops and re-adds a MySQL column whose length changes (the statuses would
 * be lost), so MariaDB gets a MODIFY; on SQLite changeColumn copies the table with its data.
 */
async function widenStatus(queryRunner: QueryRunner, length: number): Promise<void> {
  if (queryRunner.connection.driver.options.type === 'mysql') {
    await queryRunner.query(`ALTER TABLE purchase_import MODIFY status varchar(${length}) NOT NULL`);
  } else {
    await queryRunner.changeColumn('purchase_import', 'status', new TableColumn(columnKit(queryRunner).str('status', length)));
  }
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class PurchaseImportClaim1765300100200 implements MigrationInterface {
  name = 'PurchaseImportClaim1765300100200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumns('purchase_import', [
      new TableColumn(c.int('attempts', { default: 0 })),
      new TableColumn(c.time('next_attempt_at', { nullable: true })),
      new TableColumn(c.time('locked_until', { nullable: true })),
      new TableColumn(c.str('last_error', 500, { nullable: true })),
    ]);
    await queryRunner.query(
      "UPDATE purchase_import SET next_attempt_at = created_at, locked_until = CASE WHEN status = 'running' THEN COALESCE(heartbeat_at, created_at) END, attempts = CASE WHEN status IN ('uploaded', 'queued') THEN 0 ELSE 1 END",
    );
    await queryRunner.changeColumn('purchase_import', 'next_attempt_at', new TableColumn(c.time('next_attempt_at')));
    await widenStatus(queryRunner, 16);
    await queryRunner.dropColumn('purchase_import', 'heartbeat_at');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('purchase_import', new TableColumn(c.time('heartbeat_at', { nullable: true })));
    await queryRunner.query('UPDATE purchase_import SET heartbeat_at = locked_until');
    await widenStatus(queryRunner, 12);
    for (const column of ['last_error', 'locked_until', 'next_attempt_at', 'attempts']) await queryRunner.dropColumn('purchase_import', column);
  }
}
