/**
 * The WeCom per-API rate limit held chain-wide: two WeCom clients stand for two instances; they
 * count their calls in the same database windows (core/limits' DatabaseLimitStore on SQLite or
 * MariaDB, whichever this run uses) and together stay within one per-corp, per-API budget, minute
 * and hour, against the simulator. The app's own client counts through ChainLimits.
 */
import { ChainLimits, DatabaseLimitStore, MemoryLimitStore } from '../../src/core/limits';
import { ChainApiLimiter, ChainRateLimited, WECOM_CHAIN_BUDGET, WECOM_FREQUENCY_LIMITS } from '../../src/platform/rate-limit';
import { type PlatformConfig, PlatformError, WECOM_CLIENT } from '../../src/platform/types';
import { PlatformToken } from '../../src/platform/platform-token.entity';
import { HttpWecomClient } from '../../src/platform/wecom.client';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeMember } from '../helpers/fixtures';
import { MEMBER_CODES_PER_MINUTE, PurchasesService } from '../../src/modules/purchases/purchases.service';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

const FOLLOW = '/wecom/cgi-bin/externalcontact/get_follow_user_list';
const followList = (c: HttpWecomClient) => c.call('contact', 'externalcontact/get_follow_user_list', { path: '/cgi-bin/externalcontact/get_follow_user_list' });

test('the budget stays under WeCom’s published limits', () => {
  expect(WECOM_CHAIN_BUDGET.perMinute).toBeLessThan(WECOM_FREQUENCY_LIMITS.perMinute);
  expect(WECOM_CHAIN_BUDGET.perHour).toBeLessThan(WECOM_FREQUENCY_LIMITS.perHour);
  expect(WECOM_FREQUENCY_LIMITS).toEqual({ perMinute: 10_000, perHour: 150_000 });
});

test('two instances share one per-API budget, per minute and per hour, in the database', async () => {
  const d = await db(t);
  // a fixed clock in the middle of a minute: the windows are the store's, not the wall clock's
  let now = Date.UTC(2026, 11, 5, 10, 0, 30);
  const tokenRepo = d.manager.getRepository(PlatformToken);
  const instance = () =>
    HttpWecomClient.create({
      config: (t.app.getConfig('platform') as PlatformConfig).wecom,
      tokenRepo,
      now: () => now,
      chainCounter: new DatabaseLimitStore(d, () => now),
      chainBudget: { perMinute: 4, perHour: 6 },
      chainMaxWaitMs: 0,
      backoffMs: [],
    });
  const [a, b] = [instance(), instance()];
  const sent = () => t.sim.calls.filter((c) => c.path === FOLLOW).length;
  const before = sent();

  // alternating instances: each makes 2–3 of the 6 calls; the pair gets 4 a minute
  const outcomes: Array<string> = [];
  for (let i = 0; i < 6; i++) {
    try {
      await followList(i % 2 ? b : a);
      outcomes.push('ok');
    } catch (err) {
      outcomes.push(err instanceof PlatformError ? String(err.errcode) : String(err));
    }
  }
  expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', '45009', '45009']);
  expect(sent() - before).toBe(4); // refused calls never reached WeCom

  // another API has its own budget
  await expect(a.call('agent', 'department/list', { path: '/cgi-bin/department/list' })).resolves.toBeDefined();

  // the next minute opens a new window, but the hour's budget (6) is nearly spent: 2 more, then none
  now += 60_000;
  await followList(b);
  await followList(a);
  await expect(followList(b)).rejects.toMatchObject({ errcode: 45009 });
  expect(sent() - before).toBe(6);
  now += 3600_000;
  await followList(a);
  expect(sent() - before).toBe(7);
});

test('the app’s own WeCom client counts through ChainLimits (the database on MySQL, Redis when set)', async () => {
  const limits = await t.container.getAsync(ChainLimits);
  expect(limits.kind).toBe(t.dbKind === 'mysql' ? 'database' : 'memory');
  const client = await t.container.getAsync<HttpWecomClient>(WECOM_CLIENT);
  const spy = jest.spyOn(limits, 'hit');
  await followList(client);
  const keys = spy.mock.calls.map((c) => [c[0], c[1], c[2]]);
  spy.mockRestore();
  const corp = (t.app.getConfig('platform') as PlatformConfig).wecom.corpId;
  expect(keys).toEqual(
    expect.arrayContaining([
      [`wecom:${corp}:externalcontact/get_follow_user_list:m`, WECOM_CHAIN_BUDGET.perMinute, 60_000],
      [`wecom:${corp}:externalcontact/get_follow_user_list:h`, WECOM_CHAIN_BUDGET.perHour, 3_600_000],
    ]),
  );
});

test('over budget: wait for the window when it turns soon, refuse when it does not; a store failure lets the call through', async () => {
  let now = 59_000;
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
    now += ms;
  };
  const store = new MemoryLimitStore(() => now);
  const limiter = new ChainApiLimiter(store, 'wecom:c', { perMinute: 2, perHour: 100 }, { now: () => now, sleep, maxWaitMs: 5_000 });
  await limiter.take('x');
  await limiter.take('x');
  // the minute ends in 1 s: the third call waits for it
  await limiter.take('x');
  expect(slept).toHaveLength(1);
  expect(slept[0]).toBeGreaterThanOrEqual(1_000);
  expect(slept[0]).toBeLessThan(1_100);
  // now early in a minute, over budget: 58 s away is too long to hold a caller
  await limiter.take('x');
  await expect(limiter.take('x')).rejects.toBeInstanceOf(ChainRateLimited);

  const errors: unknown[] = [];
  const broken = new ChainApiLimiter({ hit: async () => Promise.reject(new Error('database gone')) }, 'wecom:c', undefined, {
    onStoreError: (e) => errors.push(e),
  });
  await expect(broken.take('x')).resolves.toBeUndefined();
  expect(errors).toHaveLength(1);
});

test('member codes: a member is issued at most MEMBER_CODES_PER_MINUTE a minute, counted chain-wide', async () => {
  const purchases = await t.container.getAsync(PurchasesService);
  const m = await makeMember(t);
  const other = await makeMember(t);
  // the windows are minutes of the real clock here: do not start right before one turns
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8_000) await new Promise((r) => setTimeout(r, left + 50));
  for (let i = 0; i < MEMBER_CODES_PER_MINUTE; i++) await purchases.issueMemberCode(m.id);
  await expect(purchases.issueMemberCode(m.id)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  await expect(purchases.issueMemberCode(other.id)).resolves.toMatchObject({ code: expect.stringMatching(/^66\d{16}$/) });
});
