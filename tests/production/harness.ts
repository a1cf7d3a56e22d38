/**
 * What an operator does, as code: a private database on the test MariaDB, the simulator standing
 * in for WeChat/WeCom with credentials of its own (never the development defaults, which
 * production refuses), the README's commands (`npm run migrate`, `npm run admin -- …`) and
 * `node cloud/bootstrap.js` with NODE_ENV=production.
 */
import { type ChildProcess, spawn } from 'child_process';
import { generateKeyPairSync, type KeyObject, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { startSimulator, type SimulatorHandle } from '../../cloud/simulator';

export const ROOT = path.resolve(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Deployment {
  sim: SimulatorHandle;
  env: Record<string, string>;
  databaseUrl: string;
  drop(): Promise<void>;
}

/** A fresh database and simulator, and the production environment pointing at them. */
export async function deployment(extra: Record<string, string> = {}): Promise<Deployment> {
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  if (!mysqlUrl) throw new Error('TEST_MYSQL_URL is required (a MariaDB the test may create databases on; npm test starts one)');
  const secret = () => randomBytes(12).toString('hex');
  const creds = {
    WECHAT_APPID: `wx${randomBytes(8).toString('hex')}`,
    WECHAT_APPSECRET: secret(),
    WECOM_CORP_ID: `ww${randomBytes(8).toString('hex')}`,
    WECOM_CONTACT_SECRET: secret(),
    WECOM_AGENT_ID: '1000005',
    WECOM_AGENT_SECRET: secret(),
    WECOM_CALLBACK_TOKEN: secret(),
    WECOM_ENCODING_AES_KEY: randomBytes(48)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 43),
  };
  // the keys production refuses to start without (README, configuration table); WeChat Pay's are a
  // fresh merchant key and platform key (no payment is made here)
  const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ format: 'pem', type }).toString();
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = {
    PII_ENC_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    PII_HASH_KEY: secret(),
    SIGNING_SECRET: secret(),
    POS_KEY_SECRET: secret(),
    COUPON_CODE_SECRET: secret(),
    WECHATPAY_MCHID: '1900000109',
    WECHATPAY_MERCHANT_SERIAL: randomBytes(20).toString('hex').toUpperCase(),
    WECHATPAY_MERCHANT_PRIVATE_KEY: pem(merchant.privateKey, 'pkcs8'),
    WECHATPAY_PUBLIC_KEY_ID: `PUB_KEY_ID_${randomBytes(8).toString('hex')}`,
    WECHATPAY_PUBLIC_KEY: pem(platform.publicKey, 'spki'),
    WECHATPAY_APIV3_KEY: randomBytes(16).toString('hex'),
  };
  const sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    wechat: { appId: creds.WECHAT_APPID, appSecret: creds.WECHAT_APPSECRET },
    wecom: {
      corpId: creds.WECOM_CORP_ID,
      contactSecret: creds.WECOM_CONTACT_SECRET,
      agentId: creds.WECOM_AGENT_ID,
      agentSecret: creds.WECOM_AGENT_SECRET,
      callbackToken: creds.WECOM_CALLBACK_TOKEN,
      encodingAESKey: creds.WECOM_ENCODING_AES_KEY,
    },
  });
  const mysql = require('mysql2/promise');
  const name = `prod_${randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection(mysqlUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(mysqlUrl);
  url.pathname = `/${name}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: url.toString(),
    PUBLIC_BASE_URL: 'https://hub.example.com',
    WECHAT_API_BASE: `${sim.url}/wechat`,
    WECOM_API_BASE: `${sim.url}/wecom`,
    ...creds,
    ...keys,
    ...extra,
  };
  return {
    sim,
    env,
    databaseUrl: url.toString(),
    drop: async () => {
      await sim.close();
      const c = await mysql.createConnection(mysqlUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- args` with exactly this environment (and optional stdin). */
export function npmRun(script: string, args: string[], env: Record<string, string>, stdin?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      env: env as unknown as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export interface Server {
  url: string;
  port: number;
  output(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** `node cloud/bootstrap.js`; resolves once /api/ready answers 200 (rejects if it exits first). */
export async function startServer(env: Record<string, string>, o: { expectExit?: boolean } = {}): Promise<Server> {
  if (!fs.existsSync(path.join(ROOT, 'cloud', 'dist'))) throw new Error('cloud/dist is missing: run `npm run build` first');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'cloud', 'bootstrap.js')], {
    cwd: ROOT,
    env: { ...env, PORT: String(port) } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
  const url = `http://127.0.0.1:${port}`;
  const server: Server = {
    url,
    port,
    output: () => out,
    exited,
    stop: async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (o.expectExit) return server;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}) before it was ready:\n${out.slice(-3000)}`);
    try {
      const res = await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(3000) });
      if (res.status === 200) return server;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`server not ready after 90 s:\n${out.slice(-3000)}`);
}

/** JSON over HTTP like the ops page / mini-program does it. */
export async function api<T = any>(
  base: string,
  method: string,
  pathname: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T };
}

export async function simPost<T = any>(sim: SimulatorHandle, pathname: string, body: unknown): Promise<T> {
  const res = await fetch(`${sim.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
