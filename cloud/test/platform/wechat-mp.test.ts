/** HttpWechatClient's token APIs against the simulator: stable_token cache, wxacode image, subscribe messages. */
import sharp from 'sharp';
import { Repository } from 'typeorm';
import { SimulatorHandle } from '../../simulator';
import { PlatformToken } from '../../src/platform/platform-token.entity';
import { PlatformError, WECHAT_ERRCODE_SUBSCRIBE_REFUSED } from '../../src/platform/types';
import { HttpWechatClient } from '../../src/platform/wechat.client';
import { openTokenDb, platformConfig, simGet, simPost, startTestSimulator } from './sim-fixtures';

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

const client = () => HttpWechatClient.create({ config: platformConfig(sim).wechat, tokenRepo: repo });
const count = (path: string) => sim.calls.filter((c) => c.path === path).length;
const TOKEN = '/wechat/cgi-bin/stable_token';
const WXACODE = '/wechat/wxa/getwxacodeunlimit';
const SEND = '/wechat/cgi-bin/message/subscribe/send';

async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

it('getUnlimitedWxacode returns a real PNG; the token is fetched once and shared through the database', async () => {
  const png = await client().getUnlimitedWxacode({ scene: 'e=12&s=34', page: 'packages/contest/entry/index', checkPath: false, envVersion: 'develop' });
  const meta = await sharp(png).metadata();
  expect(meta.format).toBe('png');
  expect(meta.width).toBeGreaterThan(100);
  // a second client instance (another server) reuses the stored token
  await client().getUnlimitedWxacode({ scene: 'e=12&s=35', page: 'packages/contest/entry/index' });
  expect(count(TOKEN)).toBe(1);
  expect(await repo.count()).toBe(1);
  const calls = sim.calls.filter((c) => c.path === WXACODE);
  expect(calls[0].body).toEqual({ scene: 'e=12&s=34', page: 'packages/contest/entry/index', width: 430, check_path: false, env_version: 'develop' });
  expect(calls[1].body).toMatchObject({ check_path: true, env_version: 'release' });
  // the token is in the query, masked in the record; the secret never is
  expect(calls[0].query.access_token).toBe('***');
  expect(JSON.stringify(sim.calls)).not.toContain('dev_app_secret');
});

it('a JSON answer instead of an image is a PlatformError with its errcode (bad scene 40169, bad page 41030)', async () => {
  const c = client();
  expect(await caught(c.getUnlimitedWxacode({ scene: 'x'.repeat(33), page: 'p/a' }))).toMatchObject({ errcode: 40169, api: 'wxa/getwxacodeunlimit' });
  expect(await caught(c.getUnlimitedWxacode({ scene: 'a=1', page: '/pages/index' }))).toBeInstanceOf(PlatformError);
  expect(await caught(c.getUnlimitedWxacode({ scene: 'a=1', page: '/pages/index' }))).toMatchObject({ errcode: 41030 });
});

it('an expired token is refreshed once and the call retried', async () => {
  const c = client();
  await c.getUnlimitedWxacode({ scene: 'a=1', page: 'p/a' });
  await simPost(sim, '/__sim/wechat/expire-token');
  await c.getUnlimitedWxacode({ scene: 'a=2', page: 'p/a' });
  expect(count(TOKEN)).toBe(2);
  expect(sim.calls.filter((x) => x.path === WXACODE).map((x) => x.errcode)).toEqual([0, 42001, 0]);
});

it('sendSubscribeMessage delivers when the member accepted, and 43101 (refused / used up) is a PlatformError', async () => {
  const c = client();
  const msg = {
    touser: 'oMember1',
    templateId: 'TPL_CLASS_REMINDER',
    page: 'packages/classes/session/index?id=3',
    data: { thing1: { value: '手工水饺课' }, time2: { value: '2026年12月20日 14:00' } },
  };
  const refused = await caught(c.sendSubscribeMessage(msg));
  expect(refused).toBeInstanceOf(PlatformError);
  expect(refused.errcode).toBe(WECHAT_ERRCODE_SUBSCRIBE_REFUSED);

  await simPost(sim, '/__sim/wechat/subscribe-accepts', { openid: 'oMember1', templateId: 'TPL_CLASS_REMINDER' });
  await c.sendSubscribeMessage(msg);
  // one accept allows one message
  expect((await caught(c.sendSubscribeMessage(msg))).errcode).toBe(43101);

  const sent = (await simGet(sim, '/__sim/wechat/subscribe-messages')).body.messages;
  expect(sent).toEqual([
    expect.objectContaining({ touser: 'oMember1', templateId: 'TPL_CLASS_REMINDER', page: msg.page, data: msg.data, miniprogramState: 'formal' }),
  ]);
  const bodies = sim.calls.filter((x) => x.path === SEND).map((x) => x.body);
  expect(bodies[1]).toEqual({
    touser: 'oMember1',
    template_id: 'TPL_CLASS_REMINDER',
    page: msg.page,
    data: msg.data,
    miniprogram_state: 'formal',
    lang: 'zh_CN',
  });
});

it('bad template data is refused (47003) and a wrong secret cannot get a token (40125)', async () => {
  const bad = HttpWechatClient.create({ config: { ...platformConfig(sim).wechat, appSecret: 'wrong' }, tokenRepo: repo });
  expect((await caught(bad.sendSubscribeMessage({ touser: 'o2', templateId: 'T', data: { a: { value: 'x' } } }))).errcode).toBe(40125);
  await simPost(sim, '/__sim/wechat/subscribe-accepts', { openid: 'o2', templateId: 'T' });
  expect((await caught(client().sendSubscribeMessage({ touser: 'o2', templateId: 'T', data: { thing1: { value: 5 as unknown as string } } }))).errcode).toBe(
    47003,
  );
  expect((await caught(client().sendSubscribeMessage({ touser: 'o2', templateId: 'T', data: {} }))).errcode).toBe(47003);
});
