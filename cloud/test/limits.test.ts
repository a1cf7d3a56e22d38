/**
 * core/limits: a fixed-window counter and named locks that hold across instances. Two store
 * objects stand for two server instances; they share the database (SQLite / MariaDB, whichever
 * this run uses) or a private Redis.
 */
import { ChainLimits, DatabaseLimitStore, type LimitStore, MemoryLimitStore, RedisLimitStore } from '../src/core/limits';
import { type BackoffStore, DatabaseBackoffStore, MemoryBackoffStore, RedisBackoffStore } from '../src/core/limits/backoff';
import { startTestApp, type TestApp } from './helpers/app';
import { db } from './helpers/fixtures';
import { startRedis, type RedisHandle } from './helpers/redis';

let t: TestApp;
let redis: RedisHandle;

beforeAll(async () => {
  t = await startTestApp();
  redis = await startRedis();
});
afterAll(async () => {
  await t?.close();
  await redis?.stop();
});

async function sharedBetweenTwo(a: LimitStore, b: LimitStore): Promise<void> {
  const key = `ip:${Math.random()}`;
  const results: boolean[] = [];
  // alternate instances: each sees 3 of the 6 hits, the limit of 4 holds for the pair
  for (let i = 0; i < 6; i++) results.push((await (i % 2 ? b : a).hit(key, 4, 60_000)).allowed);
  expect(results).toEqual([true, true, true, true, false, false]);
  // concurrent hits are counted exactly once each
  const burst = `burst:${Math.random()}`;
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).hit(burst, 10, 60_000)));
  expect(answers.filter((r) => r.allowed)).toHaveLength(10);
  expect(answers.map((r) => r.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

  const lock = `job:${Math.random()}`;
  const release = await a.tryLock(lock, 60_000);
  expect(release).not.toBeNull();
  expect(await b.tryLock(lock, 60_000)).toBeNull();
  await release!();
  const again = await b.tryLock(lock, 100);
  expect(again).not.toBeNull();
  // an expired lock is free for the next holder
  await new Promise((r) => setTimeout(r, 150));
  expect(await a.tryLock(lock, 60_000)).not.toBeNull();
}

test('database store: hits and locks shared by two instances', async () => {
  const d = await db(t);
  await sharedBetweenTwo(new DatabaseLimitStore(d), new DatabaseLimitStore(d));
});

test('database store: hits of one key in the same turn share one upsert and keep their order', async () => {
  const d = await db(t);
  const store = new DatabaseLimitStore(d);
  const key = `hot:${Math.random()}`;
  const statements: string[] = [];
  const query = d.manager.query.bind(d.manager);
  const spy = jest.spyOn(d.manager, 'query').mockImplementation((sql: string, params?: unknown[]) => {
    if (sql.includes('limit_window')) statements.push(sql);
    return query(sql, params);
  });
  try {
    const turn = await Promise.all(Array.from({ length: 5 }, () => store.hit(key, 3, 60_000)));
    expect(turn.map((r) => r.count)).toEqual([1, 2, 3, 4, 5]); // as if asked one after another
    expect(turn.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(statements).toHaveLength(1);
    // a later turn continues the same window's count
    expect(await store.hit(key, 10, 60_000)).toMatchObject({ count: 6, allowed: true });
    expect(statements).toHaveLength(2);
  } finally {
    spy.mockRestore();
  }
});

test('redis store (ioredis): hits and locks shared by two instances', async () => {
  const a = new RedisLimitStore(redis.url);
  const b = new RedisLimitStore(redis.url);
  try {
    await sharedBetweenTwo(a, b);
  } finally {
    await a.close();
    await b.close();
  }
});

test('memory store (embedded single-process default): a new window starts the count again', async () => {
  let now = 1_000_000;
  const m = new MemoryLimitStore(() => now);
  expect((await m.hit('k', 1, 1000)).allowed).toBe(true);
  expect((await m.hit('k', 1, 1000)).allowed).toBe(false);
  now += 1000;
  expect(await m.hit('k', 1, 1000)).toEqual({ allowed: true, count: 1, resetAt: 1_002_000 });
});

test('the app picks its store from the environment: database on MySQL, memory on embedded SQLite', async () => {
  const limits = await t.container.getAsync(ChainLimits);
  expect(limits.kind).toBe(t.dbKind === 'mysql' ? 'database' : 'memory');
});

/** Back-off counters shared by two instances: parallel attempts each take a slot, waits double, a success forgets. */
async function backoffBetweenTwo(a: BackoffStore, b: BackoffStore, clock: { now: number }): Promise<void> {
  const policy = { free: 3, baseMs: 1000, maxMs: 4000, windowMs: 60_000 };
  const key = `acct:${Math.random()}`;
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).attempt(key, policy)));
  const allowed = answers.filter((r) => r.allowed).length;
  expect(allowed).toBeGreaterThanOrEqual(1);
  expect(allowed).toBeLessThanOrEqual(3);
  expect((await b.peek(key))!.count).toBe(allowed);
  // fill the free tries, then each attempt waits twice as long as the one before (capped)
  while ((await a.peek(key))!.count < 3) {
    clock.now += 1001;
    await a.attempt(key, policy);
  }
  expect(await b.attempt(key, policy)).toMatchObject({ allowed: false });
  clock.now += 1001;
  expect(await b.attempt(key, policy)).toEqual({ allowed: true, count: 4 });
  const refused = await a.attempt(key, policy);
  expect(refused.allowed).toBe(false);
  expect(refused.allowed === false && refused.retryAfterMs).toBe(2000);
  // a success gives one back, or forgets the key
  await a.giveBack(key);
  expect((await b.peek(key))!.count).toBe(3);
  await b.forget(key);
  expect(await a.peek(key)).toBeNull();
  expect(await a.attempt(key, policy)).toEqual({ allowed: true, count: 1 });
  // after the window (and no wait) the key no longer matters and is purged
  clock.now += 61_000;
  await a.purge();
  expect(await b.peek(key)).toBeNull();
}

test('back-off counters: database store shared by two instances', async () => {
  const d = await db(t);
  const clock = { now: Date.now() };
  await backoffBetweenTwo(new DatabaseBackoffStore(d, () => clock.now), new DatabaseBackoffStore(d, () => clock.now), clock);
});

test('back-off counters: redis store shared by two instances', async () => {
  const a = new RedisLimitStore(redis.url);
  const b = new RedisLimitStore(redis.url);
  const clock = { now: Date.now() };
  try {
    await backoffBetweenTwo(new RedisBackoffStore(a.redis, 'hub:', () => clock.now), new RedisBackoffStore(b.redis, 'hub:', () => clock.now), clock);
  } finally {
    await a.close();
    await b.close();
  }
});

test('back-off counters: memory store (one process)', async () => {
  const clock = { now: Date.now() };
  const m = new MemoryBackoffStore(() => clock.now);
  await backoffBetweenTwo(m, m, clock);
});
