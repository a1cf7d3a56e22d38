/**
 * The clients resolve through Midway's container the way services will use them:
 * @Config('platform'), @Logger() and @InjectEntityModel(PlatformToken) wired by the framework.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IMidwayApplication } from '@midwayjs/core';
import { close, createLightApp } from '@midwayjs/mock';
import * as typeorm from '@midwayjs/typeorm';
import { SimulatorHandle } from '../../simulator';
import { PlatformToken1763800100000 } from '../../src/platform/migrations/1763800100000-platform-token';
import { PlatformToken } from '../../src/platform/platform-token.entity';
import { WECHAT_CLIENT, WECOM_CLIENT, WechatClient } from '../../src/platform/types';
import { HttpWechatClient } from '../../src/platform/wechat.client';
import { HttpWecomClient } from '../../src/platform/wecom.client';
import { platformConfig, simPost, startTestSimulator } from './sim-fixtures';

let sim: SimulatorHandle;
let app: IMidwayApplication;
let dir: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-di-'));
  app = await createLightApp({
    baseDir: dir,
    imports: [typeorm],
    preloadModules: [HttpWechatClient, HttpWecomClient, PlatformToken1763800100000],
    globalConfig: {
      platform: platformConfig(sim),
      typeorm: {
        // Midway drops `migrations` from the data source unless this is on.
        allowExecuteMigrations: true,
        dataSource: {
          default: {
            type: 'better-sqlite3',
            database: path.join(dir, 'di.sqlite'),
            entities: [PlatformToken],
            migrations: [PlatformToken1763800100000],
            migrationsRun: true,
            synchronize: false,
          },
        },
      },
      midwayLogger: { default: { level: 'warn', consoleLevel: 'warn', dir: path.join(dir, 'logs') } },
    },
  });
});
afterAll(async () => {
  await close(app);
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('resolves both clients as singletons by their provider names and they work', async () => {
  const container = app.getApplicationContext();
  const wechat = await container.getAsync<WechatClient>(WECHAT_CLIENT);
  expect(wechat).toBeInstanceOf(HttpWechatClient);
  expect(await container.getAsync(WECHAT_CLIENT)).toBe(wechat);
  const { code, openid } = (await simPost(sim, '/__sim/wechat/codes')).body;
  expect((await wechat.code2Session(code)).openid).toBe(openid);

  const wecom = await container.getAsync<HttpWecomClient>(WECOM_CLIENT);
  const oauth = (await simPost(sim, '/__sim/wecom/oauth-codes', { userid: 'wangwu' })).body.code;
  expect(await wecom.getUserIdByOAuthCode(oauth)).toEqual({ userid: 'wangwu' });
  expect(wecom.recentCalls().map((c) => c.api)).toEqual(['auth/getuserinfo', 'gettoken']);
});
