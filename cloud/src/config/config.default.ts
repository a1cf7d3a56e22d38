/**
 * Midway configuration, computed from the environment when the app is created (a function, so
 * tests can set process.env before createApp and get a fresh database each time).
 */
import type { MidwayAppInfo, MidwayConfig } from '@midwayjs/core';
import { loadEnv } from './env';
import { jsonLine } from './log-format';
import { dataSourceOptions, webApps } from './runtime';
import type { PlatformConfig } from '../platform/types';

export default (_appInfo: MidwayAppInfo): MidwayConfig => {
  const env = loadEnv();
  const apps = webApps();
  const consoleLevel = env.LOG_LEVEL;
  return {
    hub: env,
    webApps: apps,
    // read by the platform clients (cloud/src/platform): where WeChat/WeCom live and our credentials
    platform: {
      wechat: { baseUrl: env.wechatApiBase, appId: env.WECHAT_APPID, appSecret: env.WECHAT_APPSECRET },
      wecom: {
        baseUrl: env.wecomApiBase,
        corpId: env.WECOM_CORP_ID,
        contactSecret: env.WECOM_CONTACT_SECRET,
        agentId: env.WECOM_AGENT_ID,
        agentSecret: env.WECOM_AGENT_SECRET,
        callbackToken: env.WECOM_CALLBACK_TOKEN,
        encodingAESKey: env.WECOM_ENCODING_AES_KEY,
      },
    } satisfies PlatformConfig,
    // cookie signing keys (koa requires them); the API uses bearer tokens, not cookies
    keys: 'community-hub-no-cookies',
    koa: {
      port: env.PORT,
      hostname: env.HOST,
      // the client address comes from core/client-ip.middleware (TRUSTED_PROXIES), never koa's proxy mode
      proxy: false,
    },
    // koa-bodyparser reads nothing: JSON is read by core/json-body.middleware.ts (cap, lazy parse
    // after authentication, nesting guard); XML only by the WeCom callback, multipart by uploads
    bodyParser: {
      enableTypes: [],
    },
    session: { enable: false },
    siteFile: { enable: false },
    typeorm: {
      allowExecuteMigrations: true,
      dataSource: { default: dataSourceOptions(env) },
    },
    staticFile: {
      // the first entry replaces the component's default `/public` dir
      dirs: Object.fromEntries(apps.map((a, i) => [i === 0 ? 'default' : a.name, { prefix: a.prefix, dir: a.dir }])),
      dynamic: true,
      preload: false,
      buffer: env.NODE_ENV === 'production',
      // hashed asset names make long caching safe; index.html is served by WebAppsMiddleware with no-cache
      maxAge: env.NODE_ENV === 'production' ? 31536000 : 0,
    },
    midwayLogger: {
      default: {
        level: consoleLevel,
        // production: one JSON object per line, for the log collector
        ...(env.logFormat === 'json' ? { format: jsonLine, contextFormat: jsonLine } : {}),
        // logs go to stdout/stderr only (the process manager or container collects them)
        transports: { console: { autoColors: process.stdout.isTTY === true }, file: false, error: false },
      },
      clients: {
        coreLogger: { level: env.NODE_ENV === 'development' ? consoleLevel : 'warn' },
        appLogger: { level: consoleLevel },
        typeormLogger: { level: 'warn' },
      },
    },
  } as MidwayConfig;
};
