import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per scheduled job: whoever holds an unexpired lease runs it, so several server
 * instances (or a server plus a cloud-function timer) never run the same job at once.
 */
@Entity({ name: 'job_lease' })
export class JobLease {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  holder!: string | null;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt!: Date;

  @Column({ name: 'last_started_at', type: 'datetime', nullable: true })
  lastStartedAt!: Date | null;

  @Column({ name: 'last_finished_at', type: 'datetime', nullable: true })
  lastFinishedAt!: Date | null;

  @Column({ name: 'last_status', type: 'varchar', length: 16, nullable: true })
  lastStatus!: 'ok' | 'failed' | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'run_count', type: 'integer', default: 0 })
  runCount!: number;
}
