/**
 * Durable claimable rows: the one column set and the one claim / lease / fence SQL of every queue
 * table (`wecom_callback_inbox`, `wecom_outbound`, `class_notice`, and the next one: extend `ClaimableRow`).
 *
 *   pending --claim--> <running> --settle--> done | failed | pending (retry at next_attempt_at)
 *
 * A claim is a conditional UPDATE, so two workers (or instances) never hold the same row: from
 * 'pending' when due, or from '<running>' when the holder's lease (`locked_until`) expired (it
 * crashed). The claim bumps `attempts`; later writes of that attempt are fenced by it
 * (`WHERE attempts = :attempt`), so a worker that lost its lease cannot overwrite its successor.
 */
import { Column, type EntityManager, type ObjectLiteral, PrimaryGeneratedColumn } from 'typeorm';
import { backoffMs } from '../limits/backoff';

export abstract class ClaimableRow<S extends string = string> {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: S;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime' })
  nextAttemptAt!: Date;

  /** While claimed: another worker may take the row over after this time (crashed holder). */
  @Column({ name: 'locked_until', type: 'datetime', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;
}

/** One queue table: its entity and the names of its waiting and claimed statuses. */
export interface QueueTable<T extends ClaimableRow> {
  entity: new () => T;
  /** The status a row waits in ('pending' unless the table's contract names it otherwise, e.g. 'queued'). */
  pending?: T['status'];
  /** 'processing', 'sending', … */
  running: T['status'];
  /**
   * How long a claim holds a row. null: no lease, a claimed row is never taken over (at-most-once
   * sends, where a crash between claim and answer must not lead to a second send).
   */
  leaseMs: number | null;
}

const PENDING = 'pending';

/** Rows due now (pending and due, or claimed with an expired lease), oldest first. */
export function dueRows<T extends ClaimableRow>(
  em: EntityManager,
  q: QueueTable<T>,
  o: { now: Date; limit: number; where?: { sql: string; params: ObjectLiteral } },
): Promise<T[]> {
  const qb = em
    .createQueryBuilder(q.entity, 'q')
    .where('((q.status = :qPending AND q.next_attempt_at <= :qNow) OR (q.status = :qRunning AND q.locked_until < :qNow))', {
      qPending: q.pending ?? PENDING,
      qRunning: q.running,
      qNow: o.now,
    })
    .orderBy('q.id', 'ASC')
    .take(o.limit);
  if (o.where) qb.andWhere(o.where.sql, o.where.params);
  return qb.getMany();
}

/**
 * Claim a row seen as `seen` (status and attempts as read): true when this worker now holds it, as
 * attempt `seen.attempts + 1`. `due: false` skips the due check (a row this instance has just
 * inserted and not yet handed to anyone).
 */
export async function claimRow<T extends ClaimableRow>(
  em: EntityManager,
  q: QueueTable<T>,
  seen: Pick<T, 'id' | 'status' | 'attempts'>,
  o: { now: Date; due?: boolean; set?: Partial<Record<string, unknown>> },
): Promise<boolean> {
  const params: ObjectLiteral = { id: seen.id, status: seen.status, attempts: seen.attempts, now: o.now, pending: q.pending ?? PENDING, running: q.running };
  const due = o.due === false ? '' : ' AND ((status = :pending AND next_attempt_at <= :now) OR (status = :running AND locked_until < :now))';
  const r = await em
    .createQueryBuilder()
    .update(q.entity)
    .set({ ...o.set, status: q.running, attempts: seen.attempts + 1, lockedUntil: q.leaseMs === null ? null : new Date(o.now.getTime() + q.leaseMs) } as never)
    .where(`id = :id AND status = :status AND attempts = :attempts${due}`, params)
    .execute();
  return (r.affected ?? 0) === 1;
}

/** Write the outcome of attempt `attempt` (fenced: a no-op when another worker took the row over since). */
export async function settleRow<T extends ClaimableRow>(
  em: EntityManager,
  q: QueueTable<T>,
  id: number,
  attempt: number,
  set: Partial<Record<string, unknown>>,
): Promise<boolean> {
  const r = await em
    .createQueryBuilder()
    .update(q.entity)
    .set(set as never)
    .where('id = :id AND attempts = :attempt', { id, attempt })
    .execute();
  return (r.affected ?? 0) === 1;
}

/** Exponential backoff after attempt n (1-based): 2 s, 4 s, 8 s … capped at 10 min (the one doubling: core/limits). */
export function retryDelayMs(attempt: number, baseMs = 2_000, maxMs = 600_000): number {
  return backoffMs(Math.max(1, attempt), { free: 1, baseMs, maxMs, windowMs: Infinity });
}

/** The outcome of a failed attempt: retry later, or give up after `maxAttempts`. */
export function failedAttempt(
  err: unknown,
  attempt: number,
  o: { maxAttempts: number; now: Date; delayMs?: number },
): { status: 'pending' | 'failed'; nextAttemptAt: Date; lockedUntil: null; lastError: string } {
  const e = err as Error;
  const failed = attempt >= o.maxAttempts;
  return {
    status: failed ? 'failed' : 'pending',
    nextAttemptAt: new Date(o.now.getTime() + (o.delayMs ?? retryDelayMs(attempt))),
    lockedUntil: null,
    lastError: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 500),
  };
}
