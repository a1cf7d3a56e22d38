/**
 * Transactions that may lose a race on MariaDB (deadlock, lock-wait timeout) or ask to be run again
 * (RetryTransaction: a conditional write found the world changed under a stale read): the core
 * retry with a classes-sized number of attempts, then CONFLICT for the caller rather than a 500.
 */
import type { EntityManager } from 'typeorm';
import { type Db, isTransientDbError, RetryTransaction } from '../../core/db';
import { AppError } from '../../core/errors';

export { RetryTransaction };

export async function retryingTransaction<T>(db: Db, work: (em: EntityManager) => Promise<T>, attempts = 8): Promise<T> {
  try {
    return await db.transaction(work, { attempts });
  } catch (err) {
    // still losing after several rounds: tell the caller to try again rather than fail with a 500
    if (isTransientDbError(err)) throw new AppError('CONFLICT');
    throw err;
  }
}
