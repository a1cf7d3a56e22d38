/**
 * Two server instances behind a (pretend) balancer on one MariaDB, in production mode: limits
 * hold across both, each scheduled job runs once per tick, the WeCom access token is fetched
 * once, and a WeCom retry landing on the other instance does not send a second welcome.
 */
import { CURRENT_PRIVACY_VERSION } from '../../contracts/identity';
import { api, deployment, type Deployment, npmRun, type Server, simPost, startServer } from './harness';

let d: Deployment;
let a: Server;
let b: Server;

beforeAll(async () => {
  // the balancer (127.0.0.1 here) is trusted to say who the client is
  d = await deployment({ VOTE_IP_LIMIT_PER_MIN: '5', TRUSTED_PROXIES: '127.0.0.1' });
  expect((await npmRun('migrate', [], d.env)).code).toBe(0);
  expect((await npmRun('admin', ['create-staff', '--username', 'clerk', '--role', 'staff', '--wecom-userid', 'lisi'], d.env)).code).toBe(0);
  [a, b] = await Promise.all([startServer(d.env), startServer(d.env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await d?.drop();
});

async function leaseRuns(job: string): Promise<number> {
  const mysql = require('mysql2/promise');
  const c = await mysql.createConnection(d.databaseUrl);
  try {
    const [rows] = await c.query('SELECT run_count FROM job_lease WHERE name = ?', [job]);
    return Number((rows as Array<{ run_count: number }>)[0]?.run_count ?? 0);
  } finally {
    await c.end();
  }
}

test('the WeCom access token is fetched once for both instances', async () => {
  const tokens = () => d.sim.calls.filter((c) => c.path === '/wecom/cgi-bin/gettoken').length;
  const signIns = async () => {
    const codes = await Promise.all([1, 2, 3, 4].map(() => simPost<{ code: string }>(d.sim, '/__sim/wecom/oauth-codes', { userid: 'lisi' })));
    const answers = await Promise.all(codes.map((c, i) => api(i % 2 ? b.url : a.url, 'POST', '/api/auth/wecom/login', { code: c.code })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  };
  await signIns();
  // one token per WeCom app the sign-in uses (the self-built app's, and the customer-contact app's
  // when a module reads contacts on sign-in), not one per instance or per request
  const first = tokens();
  expect(first).toBeGreaterThanOrEqual(1);
  expect(first).toBeLessThanOrEqual(2);
  await signIns();
  expect(tokens()).toBe(first);
});

test('votes per client IP: the limit holds across both instances; X-Forwarded-For is believed from the trusted balancer', async () => {
  const wx = await simPost<{ code: string }>(d.sim, '/__sim/wechat/codes', {});
  const login = await api(a.url, 'POST', '/api/auth/member/login', { code: wx.code, consentVersion: CURRENT_PRIVACY_VERSION });
  expect(login.status).toBe(200);
  const vote = (server: Server, ip: string) => api(server.url, 'POST', '/api/entries/999999/votes', {}, login.body.token, { 'x-forwarded-for': ip });
  const statuses: number[] = [];
  // alternating instances: each sees 3 or 4 of the 7 requests; the chain-wide limit is 5 a minute
  for (let i = 0; i < 7; i++) statuses.push((await vote(i % 2 ? b : a, '203.0.113.7')).status);
  expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
  // another client behind the same balancer has its own allowance
  expect((await vote(b, '198.51.100.20')).status).toBe(404);
});

test('a WeCom callback retried to the other instance sends one welcome', async () => {
  const tokensBefore = d.sim.calls.filter((c) => c.path === '/wecom/cgi-bin/gettoken').length;
  const fired = await simPost<{ ok: number; results: Array<{ externalUserId: string }> }>(d.sim, '/__sim/wecom/fire-callback', {
    url: `${a.url}/api/wecom/callback`,
    replayUrl: `${b.url}/api/wecom/callback`,
    replay: 2,
    event: { ChangeType: 'add_external_contact', UserID: 'lisi' },
  });
  expect(fired.ok).toBe(1);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !d.sim.calls.some((c) => c.path.endsWith('/externalcontact/send_welcome_msg'))) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2_000)); // time for a duplicate to show up, if there were one
  expect(d.sim.calls.filter((c) => c.path.endsWith('/externalcontact/send_welcome_msg'))).toHaveLength(1);
  // the contact app's token, once for both instances
  expect(d.sim.calls.filter((c) => c.path === '/wecom/cgi-bin/gettoken').length - tokensBefore).toBe(1);
});

test('each scheduled job runs once per tick, not once per instance', async () => {
  // wecom.inbox is scheduled every 5 s in both instances (node-cron, Asia/Shanghai)
  const t0 = Date.now();
  const before = await leaseRuns('wecom.inbox');
  await new Promise((r) => setTimeout(r, 16_000));
  const t1 = Date.now();
  const after = await leaseRuns('wecom.inbox');
  const ticks = Math.floor(t1 / 5000) - Math.floor(t0 / 5000);
  expect(ticks).toBeGreaterThanOrEqual(3);
  // a run in flight when read may not be counted yet; two instances without the guard would make ~2 × ticks
  expect(after - before).toBeLessThanOrEqual(ticks);
  expect(after - before).toBeGreaterThanOrEqual(ticks - 1);
});

test('staff sign-in attempts are counted chain-wide: guesses spread over both instances meet one back-off', async () => {
  const guess = (server: Server, i: number) =>
    api(server.url, 'POST', '/api/auth/staff/login', { username: 'clerk', password: `guess-${i}` }, undefined, { 'x-forwarded-for': '10.9.0.1' });
  const answers: number[] = [];
  for (let i = 0; i < 10; i++) answers.push((await guess(i % 2 ? b : a, i)).status);
  expect(answers).toEqual(Array(10).fill(401));
  // the eleventh waits, whichever instance it reaches
  expect((await guess(a, 10)).status).toBe(429);
  expect((await guess(b, 11)).status).toBe(429);
});
