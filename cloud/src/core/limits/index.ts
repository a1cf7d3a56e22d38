/**
 * Limits and locks that must hold across every instance of the chain's deployment.
 *
 *   const r = await limits.hit('vote:ip:1.2.3.4', 600, 60_000);  // fixed window
 *   if (!r.allowed) throw new AppError('RATE_LIMITED');
 *   const release = await limits.tryLock('directory-sync', 60_000); // null = someone holds it
 *   const a = await limits.attempt('acct:wang', policy);            // back-off counter (backoff.ts)
 *
 * Three stores behind one small interface, chosen from the environment:
 *  - REDIS_URL set: Redis through ioredis (INCR + PEXPIRE in one MULTI; SET NX PX for locks);
 *  - MySQL/MariaDB: the database (one upsert per hit; rows carry their expiry);
 *  - embedded SQLite (the single-process default): in memory.
 */
import { randomBytes } from 'crypto';
import { Config, Destroy, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { AppEnv } from '../../config/env';
import { Db, isUniqueViolation } from '../db';
import {
  type AttemptResult,
  type AttemptState,
  type BackoffPolicy,
  type BackoffStore,
  DatabaseBackoffStore,
  MemoryBackoffStore,
  RedisBackoffStore,
} from './backoff';

export { type AttemptResult, type AttemptState, type BackoffPolicy, backoffMs } from './backoff';

export interface HitResult {
  allowed: boolean;
  /** Hits counted in this window, this one included. */
  count: number;
  /** When the window ends (epoch ms). */
  resetAt: number;
}

export interface LimitStore {
  readonly kind: 'memory' | 'database' | 'redis';
  /** Count one hit of `key` in the current `windowMs` window; allowed while count ≤ limit. */
  hit(key: string, limit: number, windowMs: number): Promise<HitResult>;
  /** Take a named lock for ttlMs; answers its release, or null when another holder has it. */
  tryLock(name: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

const windowOf = (now: number, windowMs: number) => now - (now % windowMs);

export class MemoryLimitStore implements LimitStore {
  readonly kind = 'memory' as const;
  private windows = new Map<string, { start: number; n: number }>();
  private locks = new Map<string, { holder: string; until: number }>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<HitResult> {
    const t = this.now();
    const start = windowOf(t, windowMs);
    if (t - this.lastSweep > 60_000) {
      this.lastSweep = t;
      for (const [k, w] of this.windows) if (w.start + windowMs * 2 < t) this.windows.delete(k);
    }
    const id = `${windowMs}:${key}`;
    let w = this.windows.get(id);
    if (!w || w.start !== start) this.windows.set(id, (w = { start, n: 0 }));
    w.n += 1;
    return { allowed: w.n <= limit, count: w.n, resetAt: start + windowMs };
  }

  async tryLock(name: string, ttlMs: number) {
    const t = this.now();
    const held = this.locks.get(name);
    if (held && held.until > t) return null;
    const holder = randomBytes(8).toString('hex');
    this.locks.set(name, { holder, until: t + ttlMs });
    return async () => {
      if (this.locks.get(name)?.holder === holder) this.locks.delete(name);
    };
  }

  async close() {}
}

export class DatabaseLimitStore implements LimitStore {
  readonly kind = 'database' as const;
  private hits = 0;
  /**
   * Hits of one key and window asked for in the same event-loop turn, counted with ONE upsert
   * (`n = n + m`): a hot key (every vote from one store's Wi-Fi is one client IP) would otherwise
   * cost a statement per hit, each queueing on the same row lock. The counts handed back are those
   * m separate hits would have got, in the order they were asked for.
   */
  private pending: Map<
    string,
    { k: string; start: number; windowMs: number; hits: Array<{ limit: number; done: (r: HitResult) => void; fail: (e: unknown) => void }> }
  > | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string, limit: number, windowMs: number): Promise<HitResult> {
    const start = windowOf(this.now(), windowMs);
    const k = `${windowMs}:${key}`.slice(0, 160);
    if (!this.pending) {
      this.pending = new Map();
      setImmediate(() => this.flush());
    }
    const id = `${start}|${k}`;
    let group = this.pending.get(id);
    if (!group) this.pending.set(id, (group = { k, start, windowMs, hits: [] }));
    const hits = group.hits;
    return new Promise((done, fail) => hits.push({ limit, done, fail }));
  }

  private flush(): void {
    const groups = this.pending;
    this.pending = null;
    for (const g of groups?.values() ?? []) {
      this.count(g.k, g.start, g.windowMs, g.hits.length).then(
        (total) => {
          const first = total - g.hits.length;
          g.hits.forEach((h, i) => h.done({ allowed: first + i + 1 <= h.limit, count: first + i + 1, resetAt: g.start + g.windowMs }));
        },
        (err) => g.hits.forEach((h) => h.fail(err)),
      );
    }
  }

  /** Add `m` hits to the window's row in one statement; answers the row's count after them. */
  private async count(k: string, start: number, windowMs: number, m: number): Promise<number> {
    const expires = new Date(start + windowMs);
    let n: number;
    if (this.db.kind === 'mysql') {
      // LAST_INSERT_ID(expr) hands the incremented value back in the same statement
      const r = (await this.db.manager.query(
        'INSERT INTO limit_window (k, window_start, n, expires_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = LAST_INSERT_ID(n + ?)',
        [k, start, m, expires, m],
      )) as { insertId: number | string; affectedRows: number };
      n = r.affectedRows === 1 ? m : Number(r.insertId);
    } else {
      const rows = (await this.db.manager.query(
        'INSERT INTO limit_window (k, window_start, n, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (k, window_start) DO UPDATE SET n = n + ? RETURNING n',
        [k, start, m, this.time(expires), m],
      )) as Array<{ n: number }>;
      n = Number(rows[0]?.n ?? m);
    }
    // housekeeping now and then, off the caller's path
    if (++this.hits % 1000 === 0)
      void this.db.manager.query('DELETE FROM limit_window WHERE expires_at < ?', [this.time(new Date(this.now() - 3600_000))]).catch(() => undefined);
    return n;
  }

  /** mysql2 binds Dates (UTC, timezone 'Z'); better-sqlite3 needs TypeORM's datetime text. */
  private time(d: Date): Date | string {
    return this.db.kind === 'mysql' ? d : d.toISOString().replace('T', ' ').replace('Z', '');
  }

  async tryLock(name: string, ttlMs: number) {
    const holder = randomBytes(8).toString('hex');
    const now = this.time(new Date(this.now()));
    const until = this.time(new Date(this.now() + ttlMs));
    let got = false;
    try {
      await this.db.manager.query('INSERT INTO chain_lock (name, holder, expires_at) VALUES (?, ?, ?)', [name, holder, until]);
      got = true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // the query builder reports affected rows on both drivers (raw query results differ)
      const r = await this.db.manager
        .createQueryBuilder()
        .update('chain_lock')
        .set({ holder, expires_at: until })
        .where('name = :name AND expires_at < :now', { name, now })
        .execute();
      got = r.affected === 1;
    }
    if (!got) return null;
    return async () => {
      await this.db.manager.query('DELETE FROM chain_lock WHERE name = ? AND holder = ?', [name, holder]);
    };
  }

  async close() {}
}

/** ioredis, loaded only when REDIS_URL is set. */
export class RedisLimitStore implements LimitStore {
  readonly kind = 'redis' as const;
  /** Also carries the back-off counters (backoff.ts). */
  readonly redis: import('ioredis').Redis;

  constructor(
    url: string,
    private readonly prefix = 'hub:',
  ) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: ioredis loads only when REDIS_URL is set
    const { Redis } = require('ioredis') as typeof import('ioredis');
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  }

  async hit(key: string, limit: number, windowMs: number): Promise<HitResult> {
    const start = windowOf(Date.now(), windowMs);
    const k = `${this.prefix}limit:${windowMs}:${key}:${start}`;
    const res = await this.redis
      .multi()
      .incr(k)
      .pexpire(k, windowMs * 2)
      .exec();
    const n = Number(res?.[0]?.[1] ?? 1);
    return { allowed: n <= limit, count: n, resetAt: start + windowMs };
  }

  async tryLock(name: string, ttlMs: number) {
    const holder = randomBytes(8).toString('hex');
    const k = `${this.prefix}lock:${name}`;
    const ok = await this.redis.set(k, holder, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return null;
    return async () => {
      // delete only our own lock (it may have expired and been taken since)
      await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, k, holder);
    };
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The store for this deployment (see the file comment). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ChainLimits implements LimitStore {
  @Inject()
  db!: Db;

  @Config('hub')
  env!: AppEnv;

  private store?: LimitStore;
  private backoffStore?: BackoffStore;

  /** The clock of the back-off counters (tests move it forward instead of waiting). */
  clock: () => number = Date.now;

  private get impl(): LimitStore {
    if (!this.store) {
      if (this.env.REDIS_URL) this.store = new RedisLimitStore(this.env.REDIS_URL);
      else if (this.db.kind === 'mysql') this.store = new DatabaseLimitStore(this.db);
      else this.store = new MemoryLimitStore();
    }
    return this.store;
  }

  get kind() {
    return this.impl.kind;
  }

  hit(key: string, limit: number, windowMs: number): Promise<HitResult> {
    return this.impl.hit(key, limit, windowMs);
  }

  tryLock(name: string, ttlMs: number) {
    return this.impl.tryLock(name, ttlMs);
  }

  /** Back-off counters, in the same place as the windows and locks (same Redis connection). */
  private get backoff(): BackoffStore {
    if (!this.backoffStore) {
      const impl = this.impl;
      const now = () => this.clock();
      if (impl instanceof RedisLimitStore) this.backoffStore = new RedisBackoffStore(impl.redis, 'hub:', now);
      else if (impl instanceof DatabaseLimitStore) this.backoffStore = new DatabaseBackoffStore(this.db, now);
      else this.backoffStore = new MemoryBackoffStore(now);
    }
    return this.backoffStore;
  }

  /** Count one attempt on `key` unless it is in a back-off wait (see backoff.ts). */
  attempt(key: string, policy: BackoffPolicy): Promise<AttemptResult> {
    return this.backoff.attempt(key, policy);
  }

  /** Forget a back-off key (after a success). */
  forgetAttempts(key: string): Promise<void> {
    return this.backoff.forget(key);
  }

  /** Give one counted attempt back. */
  giveBackAttempt(key: string): Promise<void> {
    return this.backoff.giveBack(key);
  }

  peekAttempts(key: string): Promise<AttemptState | null> {
    return this.backoff.peek(key);
  }

  /** Drop back-off keys that no longer matter (a job calls this; Redis expires them itself). */
  purgeAttempts(): Promise<number> {
    return this.backoff.purge();
  }

  @Destroy()
  async close(): Promise<void> {
    await this.store?.close();
    this.store = undefined;
    this.backoffStore = undefined;
  }
}
