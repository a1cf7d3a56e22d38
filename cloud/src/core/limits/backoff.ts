/**
 * Back-off counters (core/limits): count one attempt on a key unless the key is in a wait; after
 * `free` attempts within the window each further attempt makes the next one wait base, 2×base, 4×base …
 * (capped). Used for password guessing, where a fixed-window `hit` would let an attacker lock an
 * account for a whole window and could not be cleared on success.
 *
 * Same three stores as the fixed-window limits, chosen the same way: Redis (one Lua script per
 * attempt), the database (compare-and-set on a version column; rows carry their expiry), or memory
 * on the single-process embedded SQLite. Every attempt is decided atomically, so parallel attempts
 * each take a slot or are refused; nothing is evicted by volume (junk keys cannot push out a
 * target's count).
 */
import type { Db } from '../db';
import { isUniqueViolation } from '../db';

export interface BackoffPolicy {
  /** Attempts allowed within the window before any wait. */
  free: number;
  /** First wait; each further attempt doubles it. */
  baseMs: number;
  /** Longest wait. */
  maxMs: number;
  /** Counting restarts after this long (unless a wait is still running). */
  windowMs: number;
}

/** Pure: how long the next attempt waits once `attempts` are counted (0 = none): `free` pass, then base, 2×, 4× … */
export function backoffMs(attempts: number, policy: BackoffPolicy): number {
  const over = attempts - policy.free;
  if (over < 0) return 0;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(over, 30));
}

export type AttemptResult = { allowed: true; count: number } | { allowed: false; retryAfterMs: number };

/** What a key holds now (tests, diagnostics). */
export interface AttemptState {
  count: number;
  windowStart: number;
  /** Epoch ms the wait ends; 0 = no wait. */
  blockedUntil: number;
}

/** Pure: the next state of a key for one attempt at `now` (null state = a fresh key). */
export function nextAttempt(state: AttemptState | null, policy: BackoffPolicy, now: number): { result: AttemptResult; state: AttemptState | null } {
  if (state && state.blockedUntil > now) return { result: { allowed: false, retryAfterMs: state.blockedUntil - now }, state };
  const fresh = !state || now - state.windowStart > policy.windowMs;
  const count = fresh ? 1 : state!.count + 1;
  const wait = backoffMs(count, policy);
  return { result: { allowed: true, count }, state: { count, windowStart: fresh ? now : state!.windowStart, blockedUntil: wait ? now + wait : 0 } };
}

/** When a key's row no longer matters: the window is over and no wait is running. */
const expiryOf = (s: AttemptState, policy: BackoffPolicy) => Math.max(s.windowStart + policy.windowMs, s.blockedUntil);

export interface BackoffStore {
  /** Count one attempt on `key` unless it is waiting; atomic across instances. */
  attempt(key: string, policy: BackoffPolicy): Promise<AttemptResult>;
  /** Forget the key (a success). */
  forget(key: string): Promise<void>;
  /** Give one counted attempt back (a success on a shared key such as an address). */
  giveBack(key: string): Promise<void>;
  /** The key's state, or null when it no longer matters (or never existed). */
  peek(key: string): Promise<AttemptState | null>;
  /** Drop keys that no longer matter (window over, no wait); answers how many. */
  purge(): Promise<number>;
}

export class MemoryBackoffStore implements BackoffStore {
  private readonly keys = new Map<string, AttemptState & { expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async attempt(key: string, policy: BackoffPolicy): Promise<AttemptResult> {
    const now = this.now();
    const current = this.keys.get(key) ?? null;
    const next = nextAttempt(current && current.expiresAt >= now ? current : null, policy, now);
    if (next.state) this.keys.set(key, { ...next.state, expiresAt: expiryOf(next.state, policy) });
    return next.result;
  }

  async forget(key: string) {
    this.keys.delete(key);
  }

  async giveBack(key: string) {
    const s = this.keys.get(key);
    if (s && s.count > 0) s.count -= 1;
  }

  async peek(key: string) {
    const s = this.keys.get(key);
    return s && s.expiresAt >= this.now() ? { count: s.count, windowStart: s.windowStart, blockedUntil: s.blockedUntil } : null;
  }

  async purge() {
    const now = this.now();
    let n = 0;
    for (const [k, s] of this.keys) if (s.expiresAt < now && this.keys.delete(k)) n++;
    return n;
  }
}

const CAS_TRIES = 8;

/** Rows in `limit_backoff`; times as epoch ms (BIGINT), so both drivers compare plain numbers. */
export class DatabaseBackoffStore implements BackoffStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  private async row(key: string): Promise<(AttemptState & { version: number; expiresAt: number }) | null> {
    const rows = (await this.db.manager.query('SELECT n, window_start, blocked_until, version, expires_at FROM limit_backoff WHERE k = ?', [key])) as Array<
      Record<string, unknown>
    >;
    const r = rows[0];
    if (!r) return null;
    return {
      count: Number(r.n),
      windowStart: Number(r.window_start),
      blockedUntil: Number(r.blocked_until),
      version: Number(r.version),
      expiresAt: Number(r.expires_at),
    };
  }

  async attempt(key: string, policy: BackoffPolicy): Promise<AttemptResult> {
    const k = key.slice(0, 160);
    for (let i = 0; i < CAS_TRIES; i++) {
      const now = this.now();
      const row = await this.row(k);
      const next = nextAttempt(row && row.expiresAt >= now ? row : null, policy, now);
      if (!next.result.allowed) return next.result;
      const s = next.state!;
      if (!row) {
        try {
          await this.db.manager.query('INSERT INTO limit_backoff (k, n, window_start, blocked_until, version, expires_at) VALUES (?, ?, ?, ?, 1, ?)', [
            k,
            s.count,
            s.windowStart,
            s.blockedUntil,
            expiryOf(s, policy),
          ]);
          return next.result;
        } catch (err) {
          if (isUniqueViolation(err)) continue; // a racing first attempt made the row: count on it
          throw err;
        }
      }
      // the query builder reports affected rows on both drivers (raw query results differ)
      const r = await this.db.manager
        .createQueryBuilder()
        .update('limit_backoff')
        .set({ n: s.count, window_start: s.windowStart, blocked_until: s.blockedUntil, version: row.version + 1, expires_at: expiryOf(s, policy) })
        .where('k = :k AND version = :version', { k, version: row.version })
        .execute();
      if (r.affected === 1) return next.result;
    }
    // lost the race every time: a burst on this key, refuse this one
    return { allowed: false, retryAfterMs: 1000 };
  }

  async forget(key: string) {
    await this.db.manager.query('DELETE FROM limit_backoff WHERE k = ?', [key.slice(0, 160)]);
  }

  async giveBack(key: string) {
    await this.db.manager.query('UPDATE limit_backoff SET n = n - 1, version = version + 1 WHERE k = ? AND n > 0', [key.slice(0, 160)]);
  }

  async peek(key: string) {
    const r = await this.row(key.slice(0, 160));
    return r && r.expiresAt >= this.now() ? { count: r.count, windowStart: r.windowStart, blockedUntil: r.blockedUntil } : null;
  }

  async purge() {
    const r = await this.db.manager.createQueryBuilder().delete().from('limit_backoff').where('expires_at < :now', { now: this.now() }).execute();
    return r.affected ?? 0;
  }
}

/**
 * One attempt, atomically inside Redis: the same rule as nextAttempt(), in Lua. The hash holds
 * n, ws (window start), bu (blocked until); it expires when it no longer matters.
 */
const ATTEMPT_LUA = `
local now = tonumber(ARGV[1])
local free, base, max, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local v = redis.call('HMGET', KEYS[1], 'n', 'ws', 'bu')
local n, ws, bu = tonumber(v[1]), tonumber(v[2]), tonumber(v[3])
if bu and bu > now then return {0, bu - now} end
if not n or now - ws > window then n = 1; ws = now else n = n + 1 end
local wait = 0
if n - free >= 0 then wait = math.min(max, base * math.pow(2, math.min(n - free, 30))) end
bu = 0
if wait > 0 then bu = now + wait end
local ex = math.max(ws + window, bu)
redis.call('HSET', KEYS[1], 'n', n, 'ws', ws, 'bu', bu, 'ex', ex)
redis.call('PEXPIRE', KEYS[1], ex - now + 1000)
return {1, n}
`;

export class RedisBackoffStore implements BackoffStore {
  constructor(
    private readonly redis: import('ioredis').Redis,
    private readonly prefix = 'hub:',
    private readonly now: () => number = Date.now,
  ) {}

  private k(key: string) {
    return `${this.prefix}backoff:${key}`;
  }

  async attempt(key: string, policy: BackoffPolicy): Promise<AttemptResult> {
    const [ok, value] = (await this.redis.eval(ATTEMPT_LUA, 1, this.k(key), this.now(), policy.free, policy.baseMs, policy.maxMs, policy.windowMs)) as [
      number,
      number,
    ];
    return ok === 1 ? { allowed: true, count: Number(value) } : { allowed: false, retryAfterMs: Number(value) };
  }

  async forget(key: string) {
    await this.redis.del(this.k(key));
  }

  async giveBack(key: string) {
    await this.redis.eval(
      "local n = tonumber(redis.call('HGET', KEYS[1], 'n')) if n and n > 0 then redis.call('HSET', KEYS[1], 'n', n - 1) end return 0",
      1,
      this.k(key),
    );
  }

  async peek(key: string) {
    const v = await this.redis.hmget(this.k(key), 'n', 'ws', 'bu', 'ex');
    if (v[0] === null || Number(v[3]) < this.now()) return null;
    return { count: Number(v[0]), windowStart: Number(v[1]), blockedUntil: Number(v[2]) };
  }

  async purge() {
    return 0; // keys expire by themselves
  }
}
