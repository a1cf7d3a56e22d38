/** HttpWecomClient against the simulator with the token cache in a real (SQLite) database. */
import { createHash } from 'crypto';
import { Repository } from 'typeorm';
import { SimulatorHandle } from '../../simulator';
import { PlatformToken } from '../../src/platform/platform-token.entity';
import { PlatformError, WECOM_ERRCODE_NOT_MEMBER } from '../../src/platform/types';
import { TokenCache } from '../../src/platform/token-cache';
import { HttpWecomClient, WecomClientOptions } from '../../src/platform/wecom.client';
import { CREDS, openTokenDb, platformConfig, simGet, simPost, startTestSimulator } from './sim-fixtures';

let sim: SimulatorHandle;
let db: Awaited<ReturnType<typeof openTokenDb>>;
let repo: Repository<PlatformToken>;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());
beforeEach(async () => {
  sim.reset();
  db = await openTokenDb();
  repo = db.ds.getRepository(PlatformToken);
});
afterEach(() => db.cleanup());

function client(extra: Partial<WecomClientOptions> = {}) {
  return HttpWecomClient.create({ config: platformConfig(sim).wecom, tokenRepo: repo, backoffMs: [30, 60, 120], ...extra });
}
const oauthCode = async (userid: string) => (await simPost(sim, '/__sim/wecom/oauth-codes', { userid })).body.code as string;
const count = (path: string) => sim.calls.filter((c) => c.path === path).length;
const GETTOKEN = '/wecom/cgi-bin/gettoken';
const USERINFO = '/wecom/cgi-bin/auth/getuserinfo';

async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

it('the migration creates exactly what the entity describes', async () => {
  const pending = await db.ds.driver.createSchemaBuilder().log();
  expect(pending.upQueries.map((q) => q.query)).toEqual([]);
});

it('fetches the agent token once and shares it through the database across instances', async () => {
  const a = client();
  expect(await a.getUserIdByOAuthCode(await oauthCode('zhangsan'))).toEqual({ userid: 'zhangsan' });
  const b = client();
  expect(await b.getUserIdByOAuthCode(await oauthCode('lisi'))).toEqual({ userid: 'lisi' });
  expect(count(GETTOKEN)).toBe(1);
  const rows = await repo.find();
  expect(rows.map((r) => r.key)).toEqual([`wecom:${CREDS.wecom.corpId}:agent:${CREDS.wecom.agentId}`]);
  expect(rows[0].expiresAt.getTime()).toBeGreaterThan(Date.now() + 7000 * 1000);
  // The contact app has its own secret and token.
  const contact = await b.getAccessToken('contact');
  expect(contact).not.toBe(rows[0].value);
  expect(count(GETTOKEN)).toBe(2);
});

it('two instances racing on an empty cache both store without error and leave one row', async () => {
  // Both fetchers are held until both have started, so both instances miss the DB and insert.
  let release!: () => void;
  const bothStarted = new Promise<void>((r) => (release = r));
  let started = 0;
  const fetcher = (value: string) => async () => {
    if (++started === 2) release();
    await bothStarted;
    return { value, expiresInSec: 7200 };
  };
  const [a, b] = [new TokenCache(repo), new TokenCache(repo)];
  const [va, vb] = await Promise.all([a.get('race', fetcher('A')), b.get('race', fetcher('B'))]);
  expect([va, vb]).toEqual(['A', 'B']);
  const rows = await repo.find();
  expect(rows).toHaveLength(1);
  expect(['A', 'B']).toContain(rows[0].value);
});

it('an expired token (42001) is refreshed once and the call retried', async () => {
  const c = client();
  await c.getUserIdByOAuthCode(await oauthCode('u1'));
  await simPost(sim, '/__sim/wecom/expire-tokens');
  expect(await c.getUserIdByOAuthCode(await oauthCode('u2'))).toEqual({ userid: 'u2' });
  expect(sim.calls.map((x) => `${x.path.replace('/wecom/cgi-bin/', '')}:${x.errcode}`)).toEqual([
    'gettoken:0',
    'auth/getuserinfo:0',
    'auth/getuserinfo:42001',
    'gettoken:0',
    'auth/getuserinfo:0',
  ]);
});

it('uses the token another instance already refreshed instead of fetching again', async () => {
  const a = client();
  const b = client();
  await a.getUserIdByOAuthCode(await oauthCode('u1'));
  await b.getUserIdByOAuthCode(await oauthCode('u2')); // b now holds the same token in memory
  await simPost(sim, '/__sim/wecom/expire-tokens');
  await a.getUserIdByOAuthCode(await oauthCode('u3')); // a refreshes: gettoken #2
  expect(await b.getUserIdByOAuthCode(await oauthCode('u4'))).toEqual({ userid: 'u4' });
  expect(count(GETTOKEN)).toBe(2); // b took the new token from the database
});

it('a token rejected again after the refresh is not retried forever', async () => {
  sim.fault({ path: USERINFO, errcode: 40014, times: 2 });
  const e = await caught(client().getUserIdByOAuthCode(await oauthCode('u1')));
  expect(e).toBeInstanceOf(PlatformError);
  expect(e.errcode).toBe(40014);
  expect(count(USERINFO)).toBe(2);
  expect(count(GETTOKEN)).toBe(2);
});

it('45009 twice: backs off and then succeeds', async () => {
  const c = client();
  await c.getAccessToken('agent');
  sim.fault({ path: USERINFO, errcode: 45009, times: 2 });
  const started = Date.now();
  expect(await c.getUserIdByOAuthCode(await oauthCode('u1'))).toEqual({ userid: 'u1' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(30 + 60 - 5);
  expect(sim.calls.filter((x) => x.path === USERINFO).map((x) => x.errcode)).toEqual([45009, 45009, 0]);
});

it('45033/45009 beyond the retries surfaces as PlatformError', async () => {
  const c = client();
  sim.fault({ path: USERINFO, errcode: 45033, times: 1 });
  sim.fault({ path: USERINFO, errcode: 45009, times: 3 });
  const e = await caught(c.getUserIdByOAuthCode(await oauthCode('u1')));
  expect(e).toBeInstanceOf(PlatformError);
  expect(e.errcode).toBe(45009);
  expect(count(USERINFO)).toBe(4); // first try + 3 backoff retries
  expect(c.recentCalls()[0]).toMatchObject({ api: 'auth/getuserinfo', errcode: 45009, outcome: 'error' });
});

it('concurrent callers share one token fetch and one ticket fetch', async () => {
  const c = client();
  const codes = await Promise.all(['a', 'b', 'c'].map(oauthCode));
  const results = await Promise.all([
    ...codes.map((code) => c.getUserIdByOAuthCode(code)),
    c.signCorpJsapi('https://h5.example.com/sidebar'),
    c.signCorpJsapi('https://h5.example.com/sidebar'),
    c.signAgentJsapi('https://h5.example.com/sidebar'),
  ]);
  expect(results.slice(0, 3)).toEqual([{ userid: 'a' }, { userid: 'b' }, { userid: 'c' }]);
  expect(count(GETTOKEN)).toBe(1);
  expect(count('/wecom/cgi-bin/get_jsapi_ticket')).toBe(1);
  expect(count('/wecom/cgi-bin/ticket/get')).toBe(1);
});

it('jsapi signatures match WeCom’s sha1 algorithm (URL without #fragment)', async () => {
  const c = client({ now: () => 1_760_000_000_123 });
  const url = 'https://h5.example.com/sidebar/?from=wecom&x=1#/contact';
  const corp = await c.signCorpJsapi(url);
  const agent = await c.signAgentJsapi(url);
  const { jsapi, agentConfig } = (await simGet(sim, '/__sim/wecom/tickets')).body;
  const sha1 = (ticket: string, s: { nonceStr: string; timestamp: number }) =>
    createHash('sha1')
      .update(`jsapi_ticket=${ticket}&noncestr=${s.nonceStr}&timestamp=${s.timestamp}&url=https://h5.example.com/sidebar/?from=wecom&x=1`)
      .digest('hex');
  expect(corp.timestamp).toBe(1_760_000_000);
  expect(corp.nonceStr).toMatch(/^[\w-]{16}$/);
  expect(corp.signature).toBe(sha1(jsapi, corp));
  expect(agent.signature).toBe(sha1(agentConfig, agent));
  expect(agent.signature).not.toBe(sha1(jsapi, agent));
  // Tickets were fetched with the agent app's token.
  const ticketCalls = sim.calls.filter((x) => x.path.includes('ticket'));
  expect(ticketCalls.every((x) => x.errcode === 0 && x.query.access_token === '***')).toBe(true);
  expect(sim.calls.find((x) => x.path === '/wecom/cgi-bin/ticket/get')?.query.type).toBe('agent_config');
});

it('tickets are cached in the database too', async () => {
  await client().signCorpJsapi('https://h5.example.com/a');
  await client().signCorpJsapi('https://h5.example.com/b');
  expect(count('/wecom/cgi-bin/get_jsapi_ticket')).toBe(1);
  expect((await repo.find()).map((r) => r.key).sort()).toEqual([
    `wecom:${CREDS.wecom.corpId}:agent:${CREDS.wecom.agentId}`,
    `wecom:${CREDS.wecom.corpId}:jsapi_ticket:${CREDS.wecom.agentId}`,
  ]);
});

it('refreshes ahead of expiry in the background while still answering with the current token', async () => {
  let now = Date.now();
  const c = client({ now: () => now });
  const first = await c.getAccessToken('agent');
  expect(count(GETTOKEN)).toBe(1);
  now += (7200 - 200) * 1000; // inside the 5-minute margin, still usable
  expect(await c.getAccessToken('agent')).toBe(first);
  await new Promise((r) => setTimeout(r, 100));
  expect(count(GETTOKEN)).toBe(2);
  const row = await repo.findOneByOrFail({ key: `wecom:${CREDS.wecom.corpId}:agent:${CREDS.wecom.agentId}` });
  expect(row.expiresAt.getTime()).toBeGreaterThan(now + 7000 * 1000);
  now += 250 * 1000; // past the old expiry: the refreshed entry is used, no new fetch
  await c.getAccessToken('agent');
  expect(count(GETTOKEN)).toBe(2);
});

it('an outsider’s OAuth code is PlatformError 46004; a bad code is 40029', async () => {
  const c = client();
  const { code } = (await simPost(sim, '/__sim/wecom/oauth-codes', { openid: 'oOutsider' })).body;
  expect(await caught(c.getUserIdByOAuthCode(code))).toMatchObject({ errcode: WECOM_ERRCODE_NOT_MEMBER });
  expect(await caught(c.getUserIdByOAuthCode('nope'))).toMatchObject({ errcode: 40029, api: 'auth/getuserinfo' });
});

it('a wrong secret is PlatformError 40001 and nothing is cached', async () => {
  const c = client({ config: { ...platformConfig(sim).wecom, agentSecret: 'wrong' } });
  expect(await caught(c.getAccessToken('agent'))).toMatchObject({ errcode: 40001, api: 'gettoken' });
  expect(await repo.count()).toBe(0);
});

it('never logs tokens or secrets', async () => {
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  const c = client({ logger: { info: log, warn: log, error: log } });
  await c.signAgentJsapi('https://h5.example.com/');
  const token = await c.getAccessToken('agent');
  const text = logs.join('\n') + JSON.stringify(c.recentCalls());
  expect(logs.length).toBe(2);
  expect(text).not.toContain(token);
  expect(text).not.toContain(CREDS.wecom.agentSecret);
});
