import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnKit } from '../migration-kit';

/** Lease rows of the job scheduler (core/jobs). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class JobLease1763800050000 implements MigrationInterface {
  name = 'JobLease1763800050000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'job_lease',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          c.str('holder', 64, { nullable: true }),
          c.time('expires_at'),
          c.time('last_started_at', { nullable: true }),
          c.time('last_finished_at', { nullable: true }),
          c.str('last_status', 16, { nullable: true }),
          c.str('last_error', 500, { nullable: true }),
          c.int('run_count', { default: 0 }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_lease');
  }
}
