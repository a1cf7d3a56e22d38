/** HttpWechatClient against the simulator, plus the HTTP helper's failure modes. */
import { SimulatorHandle } from '../../simulator';
import { HttpWechatClient } from '../../src/platform/wechat.client';
import { PlatformError, PlatformUnavailableError } from '../../src/platform/types';
import { CREDS, platformConfig, simPost, startTestSimulator } from './sim-fixtures';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

function client(overrides: Partial<ReturnType<typeof platformConfig>['wechat']> = {}, logs: string[] = []) {
  const log = (m: string) => logs.push(m);
  return HttpWechatClient.create({
    config: { ...platformConfig(sim).wechat, ...overrides },
    logger: { info: log, warn: log, error: log },
  });
}

async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

it('code2Session returns openid, unionid and sessionKey', async () => {
  const issued = (await simPost(sim, '/__sim/wechat/codes', { openid: 'oMember1' })).body;
  const r = await client().code2Session(issued.code);
  expect(r).toEqual({ openid: 'oMember1', unionid: issued.unionid, sessionKey: expect.any(String) });
  expect(r.sessionKey.length).toBeGreaterThan(10);
});

it('omits unionid when WeChat sends none', async () => {
  const issued = (await simPost(sim, '/__sim/wechat/codes', { unionid: null })).body;
  const r = await client().code2Session(issued.code);
  expect('unionid' in r).toBe(false);
});

it('maps an unknown code to PlatformError 40029 and a reused code to 40163', async () => {
  const c = client();
  const bad = await caught(c.code2Session('never-issued'));
  expect(bad).toBeInstanceOf(PlatformError);
  expect(bad).toMatchObject({ platform: 'wechat', api: 'sns/jscode2session', errcode: 40029 });
  const { code } = (await simPost(sim, '/__sim/wechat/codes')).body;
  await c.code2Session(code);
  expect(await caught(c.code2Session(code))).toMatchObject({ errcode: 40163 });
});

it('a wrong secret is PlatformError 40125', async () => {
  const { code } = (await simPost(sim, '/__sim/wechat/codes')).body;
  expect(await caught(client({ appSecret: 'wrong' }).code2Session(code))).toMatchObject({ errcode: 40125 });
});

it('logs and records every call without secrets or codes', async () => {
  const logs: string[] = [];
  const c = client({}, logs);
  const { code } = (await simPost(sim, '/__sim/wechat/codes')).body;
  await c.code2Session(code);
  await caught(c.code2Session(code));
  const calls = c.recentCalls();
  expect(calls.map((x) => [x.api, x.errcode, x.outcome])).toEqual([
    ['sns/jscode2session', 40163, 'error'],
    ['sns/jscode2session', 0, 'ok'],
  ]);
  expect(typeof calls[0].ms).toBe('number');
  const all = logs.join('\n') + JSON.stringify(calls);
  expect(all).not.toContain(CREDS.wechat.appSecret);
  expect(all).not.toContain(code);
});

it('a slow platform is a timeout PlatformUnavailableError', async () => {
  sim.fault({ path: '/wechat/sns/jscode2session', delayMs: 500, times: 1 });
  const c = client({ timeoutMs: 100 });
  const e = await caught(c.code2Session('x'));
  expect(e).toBeInstanceOf(PlatformUnavailableError);
  expect(e.reason).toBe('timeout');
  expect(c.recentCalls()[0].outcome).toBe('timeout');
});

it('an unreachable host is a network PlatformUnavailableError', async () => {
  const e = await caught(client({ baseUrl: 'http://127.0.0.1:1/wechat' }).code2Session('x'));
  expect(e).toBeInstanceOf(PlatformUnavailableError);
  expect(e.reason).toBe('network');
  expect(e.message).not.toContain(CREDS.wechat.appSecret);
});

it('a non-JSON or non-2xx answer is an http PlatformUnavailableError', async () => {
  // The simulator has no such face, so it answers 404.
  const e = await caught(client({ baseUrl: `${sim.url}/nowhere` }).code2Session('x'));
  expect(e).toBeInstanceOf(PlatformUnavailableError);
  expect(e).toMatchObject({ reason: 'http', status: 404 });
});
