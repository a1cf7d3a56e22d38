/**
 * At most a few expensive jobs of one kind run at once (password checks: scrypt is deliberately
 * expensive, 16 MiB and ~150 ms each; image decodes); a few dozen more may wait; beyond that the
 * request is refused at once (RATE_LIMITED) instead of queueing memory and time without bound.
 */
import pLimit from 'p-limit';
import { AppError } from './errors';

export const CONCURRENT_CHECKS = 2;
export const MAX_WAITING = 32;

export class WorkGate {
  private readonly limit: pLimit.Limit;
  /** Checks running or waiting, counted synchronously (p-limit queues asynchronously). */
  private inFlight = 0;

  constructor(
    private readonly concurrency = CONCURRENT_CHECKS,
    private readonly maxWaiting = MAX_WAITING,
  ) {
    this.limit = pLimit(concurrency);
  }

  run<T>(check: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.concurrency + this.maxWaiting) return Promise.reject(new AppError('RATE_LIMITED'));
    this.inFlight++;
    return this.limit(check).finally(() => {
      this.inFlight--;
    });
  }

  get active(): number {
    return this.limit.activeCount;
  }
}
