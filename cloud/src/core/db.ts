/**
 * Database helpers shared by every domain: one transaction entry point, after-commit hooks,
 * duplicate-key detection for both drivers, LIKE escaping and time formatting.
 *
 * SQLite note: TypeORM drives better-sqlite3 through ONE connection, so a second concurrent
 * transaction would become a SAVEPOINT inside the first, and a plain write issued while another
 * request's transaction is open becomes part of it (and vanishes if that one rolls back). So
 * transactions are queued here, and every write should go through `db.transaction` (reads may use
 * `db.manager`).
 */
import { AsyncLocalStorage } from 'async_hooks';
import { Destroy, Init, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { InjectDataSource } from '@midwayjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';

type AfterCommit = () => void | Promise<void>;

export interface TransactionOptions {
  /**
   * Run `work` again (up to this many attempts in all) when the transaction lost a race
   * (isTransientDbError): the database rolled all of it back, so `work` must only touch the
   * database through `em` (no outside effects, no counters kept across attempts). Ignored when
   * joining an outer transaction: the outermost one retries as a whole.
   */
  attempts?: number;
}

/**
 * Thrown inside a transaction when a conditional write found the world changed under a stale
 * read: the transaction is rolled back and, where the caller retries, run again.
 */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`retry: ${reason}`);
    this.name = 'RetryTransaction';
  }
}

/**
 * True when the work lost a race and running it again is safe and likely to succeed: a MariaDB
 * deadlock (1213) or lock-wait timeout (1205), SQLite busy (another process held the file past
 * the busy timeout), or a RetryTransaction.
 */
export function isTransientDbError(err: unknown): boolean {
  if (err instanceof RetryTransaction) return true;
  const e = err as { driverError?: { errno?: number; code?: string }; errno?: number; code?: string } | null;
  const d = e?.driverError ?? e;
  if (!d || typeof d !== 'object') return false;
  return d.errno === 1213 || d.errno === 1205 || d.code === 'ER_LOCK_DEADLOCK' || d.code === 'ER_LOCK_WAIT_TIMEOUT' || d.code === 'SQLITE_BUSY';
}

/** Jittered backoff before attempt `attempt + 1`, so the losers of a race do not collide again in lockstep. */
export function retryDelay(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt) + 5));
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class Db {
  @InjectDataSource()
  dataSource!: DataSource;

  private queue: Promise<unknown> = Promise.resolve();
  /** The transaction the current async call chain runs in: nested calls join it instead of deadlocking. */
  private readonly current = new AsyncLocalStorage<{ em: EntityManager; open: boolean }>();
  private readonly hooks = new WeakMap<EntityManager, AfterCommit[]>();
  private closed = false;

  get kind(): 'sqlite' | 'mysql' {
    return this.dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  @Init()
  init(): void {
    this.closed = false;
  }

  @Destroy()
  destroy(): void {
    this.closed = true;
  }

  /** Run `work` in one transaction; after a successful commit run the hooks registered with afterCommit. */
  async transaction<T>(work: (em: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const outer = this.current.getStore();
    if (outer?.open) return work(outer.em);
    const attempts = Math.max(1, options.attempts ?? 1);
    for (let i = 1; ; i++) {
      try {
        return await this.once(work);
      } catch (err) {
        if (i >= attempts || !isTransientDbError(err)) throw err;
        await retryDelay(i);
      }
    }
  }

  private async once<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const run = async () => {
      const pending: AfterCommit[] = [];
      let scope: { em: EntityManager; open: boolean } | undefined;
      const result = await this.dataSource
        .transaction(async (em) => {
          this.hooks.set(em, pending);
          scope = { em, open: true };
          return this.current.run(scope, () => work(em));
        })
        .finally(() => {
          // timers started inside the transaction inherit the async context: they must not join it later
          if (scope) scope.open = false;
        });
      for (const hook of pending) {
        try {
          await hook();
        } catch {
          // after-commit hooks are best effort (e.g. kicking the outbox); the change is committed.
        }
      }
      return result;
    };
    if (this.kind === 'mysql') return run();
    // SQLite: TypeORM shares one connection, so a second concurrent transaction would become a
    // SAVEPOINT inside the first. Queue them instead.
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Run `fn` outside the caller's transaction: a transaction it starts is a new one, not joined to
   * the caller's (as it would be from inside `transaction`'s work).
   */
  detached<T>(fn: () => T): T {
    return this.current.exit(fn);
  }

  /** Register `fn` to run once the transaction behind `em` commits (immediately if `em` is not transactional). */
  afterCommit(em: EntityManager, fn: AfterCommit): void {
    const list = this.hooks.get(em);
    if (list) list.push(fn);
    else if (!this.closed)
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
  }
}

/** True for a duplicate key on either driver (MySQL errno 1062, SQLite UNIQUE/PRIMARY KEY constraint). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { driverError?: { errno?: number; code?: string }; errno?: number; code?: string } | null;
  if (!e) return false;
  const d = e.driverError ?? e;
  return d.errno === 1062 || d.code === 'ER_DUP_ENTRY' || d.code === 'SQLITE_CONSTRAINT_UNIQUE' || d.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Escape user text for `LIKE :p ESCAPE '!'` (a character that needs no quoting on MySQL or SQLite). */
export function likeContains(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
export const LIKE_ESCAPE = "ESCAPE '!'";

/** A Date as the driver stores it, for raw SQL parameters (query builders convert by themselves): SQLite keeps UTC text. */
export function rawTime(kind: 'sqlite' | 'mysql', d: Date): Date | string {
  return kind === 'sqlite' ? DateUtils.mixedDateToUtcDatetimeString(d) : d;
}

/** A datetime column as either driver returns it: mysql2 a Date (UTC), better-sqlite3 UTC text 'YYYY-MM-DD HH:MM:SS.mmm'. */
export function dbDate(v: Date | string | unknown): Date {
  if (v instanceof Date) return v;
  const s = String(v);
  return new Date(/(?:[zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
}

/** Dates cross the wire as ISO-8601 UTC strings. */
export function iso(date: Date): string;
export function iso(date: Date | null | undefined): string | null;
export function iso(date: Date | null | undefined): string | null {
  if (!date) return null;
  return new Date(date).toISOString();
}
