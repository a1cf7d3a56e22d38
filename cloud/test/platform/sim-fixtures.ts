/** Shared fixtures for platform tests: a simulator on a free port and a throwaway SQLite token DB. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { startSimulator, SimulatorHandle } from '../../simulator';
import { PlatformToken } from '../../src/platform/platform-token.entity';
import { PlatformToken1763800100000 } from '../../src/platform/migrations/1763800100000-platform-token';
import type { PlatformConfig } from '../../src/platform/types';

export const CREDS = {
  wechat: { appId: 'wx_test_app', appSecret: 'test_app_secret' },
  wecom: { corpId: 'ww_test_corp', contactSecret: 'test_contact_secret', agentId: '1000009', agentSecret: 'test_agent_secret' },
};

export function startTestSimulator(): Promise<SimulatorHandle> {
  return startSimulator({ port: 0, ...CREDS });
}

export function platformConfig(sim: SimulatorHandle): PlatformConfig {
  return {
    wechat: { baseUrl: `${sim.url}/wechat`, ...CREDS.wechat, timeoutMs: 3000 },
    wecom: {
      baseUrl: `${sim.url}/wecom`,
      ...CREDS.wecom,
      callbackToken: 'cb_token',
      encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      timeoutMs: 3000,
    },
  };
}

let dbCounter = 0;

/**
 * A fresh token database with the platform migration applied: SQLite in a temp dir, or a
 * throwaway database on the MySQL/MariaDB server named by TEST_MYSQL_URL (mysql://user:pass@host:port/).
 */
export async function openTokenDb(): Promise<{ ds: DataSource; cleanup(): Promise<void> }> {
  const common = { entities: [PlatformToken], migrations: [PlatformToken1763800100000], synchronize: false as const, logging: false as const };
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  if (mysqlUrl) {
    const name = `platform_t${process.pid}_${++dbCounter}`;
    const admin = new DataSource({ type: 'mysql', url: mysqlUrl });
    await admin.initialize();
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    const ds = new DataSource({ type: 'mysql', url: mysqlUrl.replace(/\/?$/, '/') + name, timezone: 'Z', ...common });
    await ds.initialize();
    await ds.runMigrations();
    return {
      ds,
      async cleanup() {
        await ds.destroy();
        await admin.query(`DROP DATABASE \`${name}\``);
        await admin.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-token-'));
  const ds = new DataSource({ type: 'better-sqlite3', database: path.join(dir, 'test.sqlite'), ...common });
  await ds.initialize();
  await ds.runMigrations();
  return {
    ds,
    async cleanup() {
      await ds.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function simPost(sim: SimulatorHandle, p: string, body: unknown = {}): Promise<any> {
  const res = await fetch(sim.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export async function simGet(sim: SimulatorHandle, p: string): Promise<any> {
  const res = await fetch(sim.url + p);
  return { status: res.status, body: await res.json(), headers: res.headers };
}
