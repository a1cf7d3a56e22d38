/** Configuration from the environment: defaults fit dev/tests; production must name its credentials. */
import { loadEnv } from '../src/config/env';
import { acceleratedCron, scheduleGapMs } from '../src/core/jobs/job';

const PROD = {
  NODE_ENV: 'production',
  DATABASE_URL: 'mysql://u:p@db:3306/hub',
  PUBLIC_BASE_URL: 'https://hub.example.com',
  WECHAT_APPID: 'wx1',
  WECHAT_APPSECRET: 's',
  WECOM_CORP_ID: 'ww1',
  WECOM_CONTACT_SECRET: 's',
  WECOM_AGENT_ID: '1000002',
  WECOM_AGENT_SECRET: 's',
  WECOM_CALLBACK_TOKEN: 't',
  WECOM_ENCODING_AES_KEY: 'a'.repeat(43),
  PII_ENC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  PII_HASH_KEY: 'a-long-enough-hash-key',
  SIGNING_SECRET: 'a-long-enough-signing-secret',
};

test('without NODE_ENV the production rules apply: no simulator, no seed, credentials required', () => {
  expect(() => loadEnv({})).toThrow(/production needs DATABASE_URL/);
  const { NODE_ENV: _, ...rest } = PROD;
  const env = loadEnv(rest);
  expect(env).toMatchObject({
    NODE_ENV: 'production',
    simulatorEnabled: false,
    seedDemo: false,
    seedShowcase: false,
    migrateOnStart: false,
    logFormat: 'json',
  });
});

test('production refuses the demo seed, the in-process simulator and the published development secrets', () => {
  expect(() => loadEnv({ ...PROD, SEED_DEMO: '1' })).toThrow(/SEED_DEMO/);
  expect(() => loadEnv({ ...PROD, SEED_SHOWCASE: 'on' })).toThrow(/SEED_SHOWCASE/);
  expect(() => loadEnv({ ...PROD, SIMULATOR: '1' })).toThrow(/SIMULATOR/);
  expect(() => loadEnv({ ...PROD, JOBS_MINUTE_SECONDS: '5' })).toThrow(/JOBS_MINUTE_SECONDS/);
  expect(() => loadEnv({ ...PROD, WECOM_CONTACT_SECRET: 'dev_contact_secret' })).toThrow(/development values of WECOM_CONTACT_SECRET/);
  expect(() => loadEnv({ ...PROD, WECOM_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', WECHAT_APPSECRET: 'dev_app_secret' })).toThrow(
    /WECHAT_APPSECRET, WECOM_ENCODING_AES_KEY/,
  );
  expect(() => loadEnv({ ...PROD, DATABASE_URL: 'sqlite://x' })).toThrow(/mysql/);
  // the simulator may still stand in through the configured base URLs (the operator test does that)
  expect(loadEnv({ ...PROD, WECOM_API_BASE: 'http://127.0.0.1:9/wecom' }).wecomApiBase).toBe('http://127.0.0.1:9/wecom');
});

test('trusted proxies: a list of IPs / CIDRs, anything else refused', () => {
  expect(loadEnv({ NODE_ENV: 'test', TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' }).trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1']);
  expect(() => loadEnv({ NODE_ENV: 'test', TRUSTED_PROXIES: 'everyone' })).toThrow(/TRUSTED_PROXIES/);
  expect(loadEnv({ NODE_ENV: 'test' }).trustedProxies).toEqual([]);
});

test('development (what npm start sets): embedded SQLite, simulator on, demo seed on', () => {
  const env = loadEnv({ NODE_ENV: 'development' });
  expect(env).toMatchObject({ PORT: 7001, dbKind: 'sqlite', simulatorEnabled: true, seedDemo: true });
  expect(env.wechatApiBase).toBe('http://127.0.0.1:7071/wechat');
  expect(env.wecomApiBase).toBe('http://127.0.0.1:7071/wecom');
});

test('DATABASE_URL=mysql://… selects MySQL', () => {
  expect(loadEnv({ NODE_ENV: 'development', DATABASE_URL: 'mysql://hub:hub@127.0.0.1:3306/hub' }).dbKind).toBe('mysql');
});

test('bad values are refused with the variable named', () => {
  expect(() => loadEnv({ NODE_ENV: 'development', PORT: 'seventy' })).toThrow(/PORT/);
  expect(() => loadEnv({ NODE_ENV: 'development', WECOM_ENCODING_AES_KEY: 'short' })).toThrow(/WECOM_ENCODING_AES_KEY/);
});

test('production never uses the simulator and refuses to start without its credentials', () => {
  expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/production needs DATABASE_URL, PUBLIC_BASE_URL, WECHAT_APPID/);
  const env = loadEnv(PROD);
  expect(env.simulatorEnabled).toBe(false);
  expect(env.seedDemo).toBe(false);
  expect(env.wechatApiBase).toBe('https://api.weixin.qq.com');
  expect(env.wecomApiBase).toBe('https://qyapi.weixin.qq.com');
});

test('JOBS_MINUTE_SECONDS (browser tests): only every-minute jobs run faster, and their gap follows', () => {
  expect(acceleratedCron('* * * * *', 5)).toBe('*/5 * * * * *');
  expect(acceleratedCron('*/1 * * * *', 5)).toBe('*/5 * * * * *');
  for (const c of ['*/2 * * * *', '30 3 * * *', '*/5 * * * * *', '25 * * * *']) expect(acceleratedCron(c, 5)).toBe(c);
  expect(scheduleGapMs(acceleratedCron('* * * * *', 5))).toBe(2500);
  expect(() => loadEnv({ NODE_ENV: 'development', JOBS_MINUTE_SECONDS: '0' })).toThrow(/JOBS_MINUTE_SECONDS/);
});
