import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One attempt counter (per account+IP, per IP, per account) shared by every instance through the
 * database. `version` makes each change a compare-and-set: two racing attempts cannot both pass.
 */
@Entity({ name: 'login_attempt' })
export class LoginAttempt {
  @PrimaryColumn({ name: 'attempt_key', type: 'varchar', length: 191 })
  key!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'window_start', type: 'datetime' })
  windowStart!: Date;

  @Column({ name: 'blocked_until', type: 'datetime', nullable: true })
  blockedUntil!: Date | null;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
