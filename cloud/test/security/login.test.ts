/**
 * Staff sign-in under attack: attempts are counted on the chain-wide back-off counters of core/limits
 * (memory on embedded SQLite, the database on MariaDB) before the password is checked
 * (parallel guesses cannot pass a check-then-count gap), back-off grows exponentially instead of a
 * fixed lock, other accounts and other addresses are unaffected, junk usernames evict nothing,
 * password checks are bounded, and a hash made with older scrypt parameters is replaced on login.
 */
import { identity } from '../../../contracts';
import { JobRunner } from '../../src/core/jobs';
import { ChainLimits } from '../../src/core/limits';
import { StaffUser } from '../../src/modules/identity/entities/staff-user.entity';
import { needsRehash, verifyPassword } from '../../src/modules/identity/password';
import { backoffMs, POLICIES } from '../../src/modules/identity/security/login-throttle';
import { WorkGate } from '../../src/core/work-gate';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeStaff } from '../helpers/fixtures';
import { scrypt } from 'crypto';

// every attempt costs a real scrypt check (~150 ms idle, seconds on a busy machine)
jest.setTimeout(180_000);

let t: TestApp;
let limits: ChainLimits;
beforeAll(async () => {
  // the addresses below arrive in X-Forwarded-For, as behind the production proxy
  t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1,::1' });
  limits = await t.container.getAsync(ChainLimits);
}, 180_000);
afterAll(async () => {
  await t?.close();
});
// time passes for the counters only: the tests move their clock instead of waiting
let offset = 0;
const advance = (ms: number) => {
  offset += ms;
  limits.clock = () => Date.now() + offset;
};
afterEach(() => {
  offset = 0;
  limits.clock = Date.now;
});
const acct = (username: string) => `login:acct:${username.toLowerCase()}`;

const login = (username: string, password: string, ip = '10.0.0.1') =>
  t.http().post(identity.staffLogin.path).set('x-forwarded-for', ip).send({ username, password });

test('back-off is a pure function: free tries, then 30 s, 1 min, 2 min … capped', () => {
  const p = POLICIES.accountIp;
  expect(backoffMs(p.free - 1, p)).toBe(0);
  expect(backoffMs(p.free, p)).toBe(30_000);
  expect(backoffMs(p.free + 1, p)).toBe(60_000);
  expect(backoffMs(p.free + 3, p)).toBe(240_000);
  expect(backoffMs(p.free + 40, p)).toBe(p.maxMs);
  // the per-account counter (any address) caps short: nobody can lock a colleague out for long
  expect(backoffMs(POLICIES.account.free + 40, POLICIES.account)).toBe(60_000);
});

test('parallel guesses are counted before the check: at most the free tries get a password check', async () => {
  const s = await makeStaff(t, { role: 'staff' });
  const res = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      t
        .client()
        .call(identity.staffLogin, { body: { username: s.username, password: `guess-${i}` } })
        .then(
          () => 'ok',
          (e) => e.code as string,
        ),
    ),
  );
  const invalid = res.filter((c) => c === 'INVALID_CREDENTIALS').length;
  expect(invalid).toBeLessThanOrEqual(POLICIES.accountIp.free);
  expect(res.filter((c) => c === 'RATE_LIMITED').length).toBe(30 - invalid);
  const state = await limits.peekAttempts(acct(s.username));
  expect(state!.count).toBeGreaterThanOrEqual(POLICIES.accountIp.free);
});

test('the back-off ends: after the wait the right password works and clears the counters', async () => {
  const s = await makeStaff(t, { role: 'staff' });
  for (let i = 0; i < POLICIES.accountIp.free; i++) expect((await login(s.username, `bad-${i}`)).status).toBe(401);
  const first = await login(s.username, s.password);
  expect(first.status).toBe(429);
  expect(Number(first.body.details[0].message)).toBeGreaterThan(25);
  expect(Number(first.body.details[0].message)).toBeLessThanOrEqual(30);
  // after the wait one more try is allowed; failing it doubles the wait
  advance(30_001);
  expect((await login(s.username, 'bad-again')).status).toBe(401);
  const second = await login(s.username, s.password);
  expect(second.status).toBe(429);
  expect(Number(second.body.details[0].message)).toBeGreaterThan(55);
  // time passes
  advance(60_001);
  const r = await login(s.username, s.password);
  expect(r.status).toBe(200);
  expect(await limits.peekAttempts(acct(s.username))).toBeNull();
  expect(await limits.peekAttempts(`login:acct-ip:${s.username.toLowerCase()}|10.0.0.1`)).toBeNull();
});

test('10,000 junk usernames evict nothing: the target keeps its count', async () => {
  const s = await makeStaff(t, { role: 'staff' });
  for (let i = 0; i < POLICIES.accountIp.free; i++) await login(s.username, `bad-${i}`, '10.1.0.1');
  // the junk lands on the shared counters directly (10,000 scrypt checks would take minutes)
  for (let i = 0; i < 10_000; i += 250) {
    await Promise.all(Array.from({ length: 250 }, (_, k) => limits.attempt(`login:acct:junk-${i + k}`, POLICIES.account)));
  }
  expect((await limits.peekAttempts(acct(s.username)))!.count).toBe(POLICIES.accountIp.free);
  expect((await login(s.username, s.password, '10.1.0.1')).status).toBe(429);
});

test('one address failing on many accounts is slowed down on all of them; other addresses are not', async () => {
  const ip = '10.2.0.1';
  const others = await Promise.all([makeStaff(t, { role: 'staff' }), makeStaff(t, { role: 'staff' })]);
  // 99 failures from this address already counted (counted directly: 99 scrypt checks are slow)
  for (let i = 0; i < POLICIES.ip.free - 1; i++) await limits.attempt(`login:ip:${ip}`, POLICIES.ip);
  expect((await login('whoever', 'x', ip)).status).toBe(401); // the last free try
  expect((await login(others[0].username, others[0].password, ip)).status).toBe(429);
  expect((await login(others[1].username, others[1].password, '10.2.0.2')).status).toBe(200);
});

test('someone failing on purpose from elsewhere cannot lock a colleague out for long', async () => {
  const s = await makeStaff(t, { role: 'staff' });
  const key = acct(s.username);
  // failures on the account from many addresses: the free ones, then one after each (capped) wait
  for (let i = 0; i < POLICIES.account.free; i++) expect((await limits.attempt(key, POLICIES.account)).allowed).toBe(true);
  for (let i = 0; i < 10; i++) {
    expect((await limits.attempt(key, POLICIES.account)).allowed).toBe(false); // waiting
    advance(60_001);
    expect((await limits.attempt(key, POLICIES.account)).allowed).toBe(true);
  }
  // a minute later the colleague (another address) may try again
  advance(60_001);
  expect((await login(s.username, 'one-more', '10.3.0.9')).status).toBe(401);
  const state = (await limits.peekAttempts(key))!;
  expect(state.count).toBe(POLICIES.account.free + 11);
  const wait = state.blockedUntil - limits.clock();
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(60_000);
});

test('password checks run a few at a time; beyond the queue the sign-in is refused at once', async () => {
  const gate = new WorkGate(2, 3);
  let running = 0;
  let peak = 0;
  const slow = () =>
    gate.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      return true;
    });
  const results = await Promise.allSettled(Array.from({ length: 8 }, slow));
  expect(peak).toBe(2);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
  expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
    'RATE_LIMITED',
    'RATE_LIMITED',
    'RATE_LIMITED',
  ]);
});

test('a hash made with older scrypt parameters is replaced on a good sign-in', async () => {
  const s = await makeStaff(t, { role: 'staff' });
  const salt = Buffer.from('0123456789abcdef');
  const key = await new Promise<Buffer>((res, rej) =>
    scrypt(s.password.normalize('NFKC'), salt, 32, { N: 16384, r: 8, p: 1 }, (e, k) => (e ? rej(e) : res(k))),
  );
  const old = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
  const d = await db(t);
  await d.manager.update(StaffUser, { id: s.id }, { passwordHash: old });
  expect(needsRehash(old)).toBe(true);
  await t.client().call(identity.staffLogin, { body: { username: s.username, password: s.password } });
  const stored = (await d.manager.findOneByOrFail(StaffUser, { id: s.id })).passwordHash!;
  expect(stored).not.toBe(old);
  expect(stored).toMatch(/^scrypt\$16384\$8\$5\$/);
  expect(await verifyPassword(s.password, stored)).toBe(true);
});

test('idle counters are purged by their job', async () => {
  await limits.attempt('login:acct:idle-one', POLICIES.account);
  advance(16 * 60_000); // its window is over and it has no wait: it no longer matters
  await limits.attempt('login:acct:fresh-one', POLICIES.account);
  await (await t.container.getAsync(JobRunner)).runNow('identity.login-attempts-purge');
  expect(await limits.peekAttempts('login:acct:idle-one')).toBeNull();
  expect(await limits.peekAttempts('login:acct:fresh-one')).toMatchObject({ count: 1 });
});
