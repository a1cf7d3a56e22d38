/**
 * Password-guessing defence for staff sign-in. Every attempt is counted BEFORE the password is
 * checked (so parallel guesses cannot slip past a check-then-count gap), on three counters shared
 * by all instances through the database:
 *   - account+IP: the usual case, ten tries, then exponential back-off (30 s, 1 min, 2 min … 15 min);
 *   - IP: one address trying many accounts (100 tries, then 15 s doubling);
 *   - account: many addresses trying one account; its back-off is capped short, so nobody can lock a
 *     colleague out for long by failing on purpose from elsewhere.
 * A success clears the account's counters and gives the IP its attempt back. Rows are kept per key (no in-memory map to evict).
 * The store is an interface so the chain-wide limits store (core/limits) can take it over later.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db, dbDate, isUniqueViolation } from '../../../core/db';
import { LoginAttempt } from '../entities/login-attempt.entity';

export interface BackoffPolicy {
  /** Failures allowed within the window before any wait. */
  free: number;
  /** First wait; each further failure doubles it. */
  baseMs: number;
  /** Longest wait. */
  maxMs: number;
  /** Counting restarts after this long without a blocked state. */
  windowMs: number;
}

export const POLICIES = {
  accountIp: { free: 10, baseMs: 30_000, maxMs: 15 * 60_000, windowMs: 15 * 60_000 },
  ip: { free: 100, baseMs: 15_000, maxMs: 15 * 60_000, windowMs: 15 * 60_000 },
  account: { free: 50, baseMs: 1000, maxMs: 60_000, windowMs: 15 * 60_000 },
} satisfies Record<string, BackoffPolicy>;

/** Pure: how long the next attempt waits once `attempts` are counted (0 = none): `free` pass, then base, 2×, 4× … */
export function backoffMs(attempts: number, policy: BackoffPolicy): number {
  const over = attempts - policy.free;
  if (over < 0) return 0;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(over, 30));
}

export type Reservation = { ok: true } | { ok: false; retryAfterMs: number };

/** The counter store: swap for a shared limits store without touching the sign-in rules. */
export interface AttemptCounter {
  /** Count one attempt on `key` unless it is blocked now; atomic across instances. */
  reserve(key: string, policy: BackoffPolicy, now: Date): Promise<Reservation>;
  /** Forget the key (after a success). */
  clear(key: string): Promise<void>;
  /** Give one counted attempt back (a success on a shared key such as the IP). */
  release(key: string): Promise<void>;
  /** Drop keys idle since before `before`. */
  purge(before: Date): Promise<number>;
}

const CAS_ATTEMPTS = 8;

@Provide()
@Scope(ScopeEnum.Singleton)
export class DbAttemptCounter implements AttemptCounter {
  @Inject()
  db!: Db;

  async reserve(key: string, policy: BackoffPolicy, now: Date): Promise<Reservation> {
    const repo = this.db.manager.getRepository(LoginAttempt);
    for (let i = 0; i < CAS_ATTEMPTS; i++) {
      const row = await repo.findOne({ where: { key } });
      if (!row) {
        try {
          await repo.insert({ key, failures: 1, version: 1, windowStart: now, blockedUntil: backoffAt(1, policy, now), updatedAt: now });
          return { ok: true };
        } catch (err) {
          if (isUniqueViolation(err)) continue; // a racing first attempt made the row: count on it
          throw err;
        }
      }
      const blockedUntil = row.blockedUntil ? dbDate(row.blockedUntil) : null;
      if (blockedUntil && blockedUntil.getTime() > now.getTime()) return { ok: false, retryAfterMs: blockedUntil.getTime() - now.getTime() };
      const fresh = now.getTime() - dbDate(row.windowStart).getTime() > policy.windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const r = await repo
        .createQueryBuilder()
        .update(LoginAttempt)
        .set({ failures, version: row.version + 1, windowStart: fresh ? now : dbDate(row.windowStart), blockedUntil: backoffAt(failures, policy, now), updatedAt: now })
        .where('attempt_key = :key AND version = :version', { key, version: row.version })
        .updateEntity(false)
        .execute();
      if (r.affected === 1) return { ok: true };
    }
    // lost the race every time: a burst on this key, refuse this one
    return { ok: false, retryAfterMs: 1000 };
  }

  async clear(key: string): Promise<void> {
    await this.db.manager.delete(LoginAttempt, { key });
  }

  async release(key: string): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .update(LoginAttempt)
      .set({ failures: () => 'failures - 1' })
      .where('attempt_key = :key AND failures > 0', { key })
      .updateEntity(false)
      .execute();
  }

  async purge(before: Date): Promise<number> {
    const r = await this.db.manager.createQueryBuilder().delete().from(LoginAttempt).where('updated_at < :before', { before }).execute();
    return r.affected ?? 0;
  }
}

function backoffAt(failures: number, policy: BackoffPolicy, now: Date): Date | null {
  const wait = backoffMs(failures, policy);
  return wait ? new Date(now.getTime() + wait) : null;
}
