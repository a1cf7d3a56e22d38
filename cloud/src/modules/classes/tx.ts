/**
 * Transactions that may lose a race on MariaDB: deadlocks (1213) and lock-wait timeouts (1205)
 * roll the whole transaction back, so running it again is safe. `RetryTransaction` lets a service
 * ask for the same (its conditional write found the world changed under a stale read).
 */
import type { EntityManager } from 'typeorm';
import type { Db } from '../../core/db';
import { AppError } from '../../core/errors';

export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`retry: ${reason}`);
    this.name = 'RetryTransaction';
  }
}

function transient(err: unknown): boolean {
  if (err instanceof RetryTransaction) return true;
  const e = err as { driverError?: { errno?: number; code?: string }; errno?: number; code?: string } | null;
  const d = e?.driverError ?? e;
  return !!d && (d.errno === 1213 || d.errno === 1205 || d.code === 'ER_LOCK_DEADLOCK' || d.code === 'ER_LOCK_WAIT_TIMEOUT');
}

export async function retryingTransaction<T>(db: Db, work: (em: EntityManager) => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (!transient(err)) throw err;
      // still losing after several rounds: tell the caller to try again rather than fail with a 500
      if (i >= attempts) throw new AppError('CONFLICT');
      // jittered backoff so the losers of a race do not collide again in lockstep
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * i) + 2));
    }
  }
}
