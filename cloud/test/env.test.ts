/** Configuration from the environment: defaults fit dev/tests; production must name its credentials. */
import { loadEnv } from '../src/config/env';

test('development defaults: embedded SQLite, simulator on, demo seed on', () => {
  const env = loadEnv({});
  expect(env).toMatchObject({ PORT: 7001, dbKind: 'sqlite', simulatorEnabled: true, seedDemo: true });
  expect(env.wechatApiBase).toBe('http://127.0.0.1:7071/wechat');
  expect(env.wecomApiBase).toBe('http://127.0.0.1:7071/wecom');
});

test('DATABASE_URL=mysql://… selects MySQL', () => {
  expect(loadEnv({ DATABASE_URL: 'mysql://hub:hub@127.0.0.1:3306/hub' }).dbKind).toBe('mysql');
});

test('bad values are refused with the variable named', () => {
  expect(() => loadEnv({ PORT: 'seventy' })).toThrow(/PORT/);
  expect(() => loadEnv({ WECOM_ENCODING_AES_KEY: 'short' })).toThrow(/WECOM_ENCODING_AES_KEY/);
});

test('production never uses the simulator and refuses to start without its credentials', () => {
  expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/production needs DATABASE_URL, PUBLIC_BASE_URL, WECHAT_APPID/);
  const env = loadEnv({
    NODE_ENV: 'production',
    SIMULATOR: '1',
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
  });
  expect(env.simulatorEnabled).toBe(false);
  expect(env.seedDemo).toBe(false);
  expect(env.wechatApiBase).toBe('https://api.weixin.qq.com');
  expect(env.wecomApiBase).toBe('https://qyapi.weixin.qq.com');
});
