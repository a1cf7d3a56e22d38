/**
 * One Midway app per test file: a fresh database (a temp SQLite file, or a fresh `t_<random>`
 * database on TEST_MYSQL_URL), the WeChat/WeCom simulator on a free port, and a typed API client
 * (contracts/client.ts) whose transport goes through supertest into the app.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { close, createApp, createHttpRequest } from '@midwayjs/mock';
import type { Application } from '@midwayjs/koa';
import type { IMidwayContainer } from '@midwayjs/core';
import { createApiClient, type ApiClient, type Transport } from '../../../contracts/client';
import { loadEnv } from '../../src/config/env';
import { startSimulator, type SimulatorHandle } from '../../simulator';

const CLOUD_DIR = path.resolve(__dirname, '..', '..');
const REPO_ROOT = path.resolve(CLOUD_DIR, '..');

export interface TestApp {
  app: Application;
  container: IMidwayContainer;
  sim: SimulatorHandle;
  dbKind: 'sqlite' | 'mysql';
  /** supertest against the app (raw requests: malformed bodies, unknown routes…). */
  http(): ReturnType<typeof createHttpRequest>;
  /** Typed client; pass a token to call as that session. */
  client(token?: string | null): ApiClient;
  /** A fresh wx.login code from the simulator (same openid => same person). */
  wechatCode(who?: { openid?: string; unionid?: string | null }): Promise<{ code: string; openid: string; unionid: string | null }>;
  /** A fresh WeCom OAuth code for a corp member's userid. */
  wecomCode(userid: string): Promise<string>;
  close(): Promise<void>;
}

async function simPost<T>(sim: SimulatorHandle, pathname: string, body: unknown): Promise<T> {
  const res = await fetch(`${sim.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function freshDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void>; kind: 'sqlite' | 'mysql' }> {
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  if (mysqlUrl) {
    // mysql2 is a runtime dependency of the app; loaded only when a MySQL run is asked for
    const mysql = require('mysql2/promise');
    const name = `t_${randomBytes(6).toString('hex')}`;
    const admin = await mysql.createConnection(mysqlUrl);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(mysqlUrl);
    url.pathname = `/${name}`;
    return {
      kind: 'mysql',
      env: { DATABASE_URL: url.toString() },
      drop: async () => {
        const c = await mysql.createConnection(mysqlUrl);
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
  return {
    kind: 'sqlite',
    env: { DATA_DIR: dir },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export async function startTestApp(extraEnv: Record<string, string> = {}, options: { globalConfig?: Record<string, unknown> } = {}): Promise<TestApp> {
  const defaults = loadEnv({ NODE_ENV: 'test' });
  const sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    wechat: { appId: defaults.WECHAT_APPID, appSecret: defaults.WECHAT_APPSECRET },
    wecom: {
      corpId: defaults.WECOM_CORP_ID,
      contactSecret: defaults.WECOM_CONTACT_SECRET,
      agentId: defaults.WECOM_AGENT_ID,
      agentSecret: defaults.WECOM_AGENT_SECRET,
    },
  });
  const db = await freshDatabase();
  const saved = { ...process.env };
  Object.assign(process.env, {
    NODE_ENV: 'test',
    SIMULATOR: '0',
    SEED_DEMO: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    WECHAT_API_BASE: `${sim.url}/wechat`,
    WECOM_API_BASE: `${sim.url}/wecom`,
    ...db.env,
    ...extraEnv,
  });
  delete process.env.DATABASE_URL;
  if (db.env.DATABASE_URL) process.env.DATABASE_URL = db.env.DATABASE_URL;
  if (!db.env.DATA_DIR) delete process.env.DATA_DIR;

  let app: Application;
  try {
    app = await createApp<any>(REPO_ROOT, {
      baseDir: path.join(CLOUD_DIR, 'src'),
      // no listening socket: supertest drives app.callback()
      globalConfig: { ...options.globalConfig, koa: { port: null } },
    });
  } catch (err) {
    process.env = saved;
    await sim.close();
    await db.drop();
    throw err;
  }

  const transport: Transport = async (req) => {
    const agent = createHttpRequest(app) as unknown as Record<string, (url: string) => any>;
    let r = agent[req.method.toLowerCase()](req.url.replace(/^https?:\/\/[^/]+/, ''));
    for (const [k, v] of Object.entries(req.headers)) r = r.set(k, v);
    const res = req.body !== undefined ? await r.send(req.body) : await r;
    return { status: res.status, data: res.body && Object.keys(res.body).length ? res.body : res.text ? JSON.parse(res.text) : undefined };
  };

  return {
    app,
    container: app.getApplicationContext(),
    sim,
    dbKind: db.kind,
    http: () => createHttpRequest(app),
    client: (token) => createApiClient({ baseUrl: 'http://app', transport, getToken: () => token ?? null }),
    wechatCode: (who = {}) => simPost(sim, '/__sim/wechat/codes', who),
    wecomCode: async (userid) => (await simPost<{ code: string }>(sim, '/__sim/wecom/oauth-codes', { userid })).code,
    close: async () => {
      try {
        await close(app, { sleep: 1 });
      } finally {
        process.env = saved;
        await sim.close();
        await db.drop();
      }
    },
  };
}
