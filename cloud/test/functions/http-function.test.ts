/**
 * The HTTP cloud function invoked locally: @midwayjs/fc-starter's initializer and handler on the
 * function's own Midway app (@midwayjs/faas, the same controllers and services), behind a local
 * stand-in for the API gateway that turns real HTTP requests into gateway events. Through it: a
 * staff and a member log in, the member uploads a photo and casts a vote, and a signed WeCom
 * callback is accepted once (its retry sends no second welcome) — on SQLite and on MariaDB.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import request from 'supertest';
import * as contest from '../../../contracts/contest';
import { CURRENT_PRIVACY_VERSION, memberLogin, staffLogin } from '../../../contracts/identity';
import { createApiClient, type Transport } from '../../../contracts/client';
import { loadEnv } from '../../src/config/env';
import { Db } from '../../src/core/db';
import { ContestVote } from '../../src/modules/contest/entities/vote.entity';
import { CallbackInbox } from '../../src/modules/wecom/entities/callback-inbox.entity';
import { applyMethodOverride, createHttpFunction, type HttpFunction } from '../../src/functions/http-entry';
import { fcContext, startLocalGateway } from '../../src/functions/local-gateway';
import { startSimulator, type SimulatorHandle } from '../../simulator';
import type { TestApp } from '../helpers/app';
import { makeStaff } from '../helpers/fixtures';
import { contestBody, entryBody, jpeg, memberToken } from '../contest/kit';

let sim: SimulatorHandle;
let fn: HttpFunction;
let gateway: { url: string; close(): Promise<void> };
let t: TestApp;
let cleanup: () => Promise<void>;
const saved = { ...process.env };

beforeAll(async () => {
  const defaults = loadEnv({ NODE_ENV: 'test' });
  sim = await startSimulator({
    port: 0,
    wechat: { appId: defaults.WECHAT_APPID, appSecret: defaults.WECHAT_APPSECRET },
    wecom: {
      corpId: defaults.WECOM_CORP_ID,
      contactSecret: defaults.WECOM_CONTACT_SECRET,
      agentId: defaults.WECOM_AGENT_ID,
      agentSecret: defaults.WECOM_AGENT_SECRET,
    },
  });
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    SIMULATOR: '0',
    SEED_DEMO: '0',
    LOG_LEVEL: 'error',
    WECOM_API_BASE: `${sim.url}/wecom`,
    WECHAT_API_BASE: `${sim.url}/wechat`,
  };
  if (process.env.TEST_MYSQL_URL) {
    const mysql = require('mysql2/promise');
    const name = `fh_${randomBytes(6).toString('hex')}`;
    const admin = await mysql.createConnection(process.env.TEST_MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(process.env.TEST_MYSQL_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    cleanup = async () => {
      const c = await mysql.createConnection(process.env.TEST_MYSQL_URL);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-fnhttp-'));
    env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  Object.assign(process.env, env);
  fn = createHttpFunction();
  await fn.initializer(fcContext()); // what FC calls once per instance
  gateway = await startLocalGateway(fn.handler);
  const transport: Transport = async (req) => {
    const res = await fetch(`${gateway.url}${req.url.replace(/^https?:\/\/[^/]+/, '')}`, {
      method: req.method,
      headers: { ...req.headers, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
    });
    const text = await res.text();
    return { status: res.status, data: text ? JSON.parse(text) : undefined };
  };
  const container = fn.starter.getApplicationContext();
  // the kit's helpers (fixtures, tokens, images) driven through the function instead of a koa app
  t = {
    container,
    sim,
    dbKind: env.DATABASE_URL ? 'mysql' : 'sqlite',
    http: () => request(gateway.url),
    client: (token?: string | null) => createApiClient({ baseUrl: 'http://gateway', transport, getToken: () => token ?? null }),
    wechatCode: async (who = {}) =>
      (await (
        await fetch(`${sim.url}/__sim/wechat/codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) })
      ).json()) as never,
  } as unknown as TestApp;
}, 120_000); // a cold start: the app boots and migrates a fresh database

afterAll(async () => {
  await gateway?.close();
  await fn?.starter.close();
  const { destroyGlobalApplicationContext } = await import('@midwayjs/core');
  if (fn?.starter.getApplicationContext()) await destroyGlobalApplicationContext(fn.starter.getApplicationContext());
  process.env = saved;
  await sim?.close();
  await cleanup?.();
});

test('log in, upload, cast a vote: the same routes, answers and errors as the server', async () => {
  // staff sign in with a password through the function and open a contest
  const boss = await makeStaff(t, { role: 'hq_admin', password: 'a-long-enough-password-1' });
  const staff = await t.client().call(staffLogin, { body: { username: boss.username, password: boss.password } });
  expect(staff.token).toEqual(expect.any(String));
  const created = await t.client(staff.token).call(contest.adminCreateContest, { body: contestBody() });
  const c = await t.client(staff.token).call(contest.adminPublishContest, { params: { contestId: created.id } });

  // an author's entry with a photo uploaded through the function (multipart, base64 through the gateway)
  const author = await memberToken(t);
  const photo = await t
    .http()
    .post('/api/uploads/images')
    .set('authorization', `Bearer ${author.token}`)
    .attach('file', await jpeg(320, 240), 'dish.jpg');
  expect(photo.status).toBe(200);
  const served = await t.http().get(photo.body.thumbUrl.replace(/^https?:\/\/[^/]+/, ''));
  expect(served.status).toBe(200);
  expect(served.headers['content-type']).toBe('image/jpeg');
  expect(served.body.subarray(0, 2).toString('hex')).toBe('ffd8');
  const entry = await t.client(author.token).call(contest.submitEntry, { params: { contestId: c.id }, body: entryBody([photo.body.id]) });
  expect(entry.status).toBe('approved');

  // a member logs in with a wx.login code (jscode2session at the simulator) and votes
  const { code } = await t.wechatCode();
  const member = await t.client().call(memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
  expect(member.token).toEqual(expect.any(String));
  const voted = await t.client(member.token).call(contest.castVote, { params: { entryId: entry.id } });
  expect(voted).toMatchObject({ entryId: entry.id });
  const d = await t.container.getAsync(Db);
  expect(await d.manager.count(ContestVote, { where: { entryId: entry.id } })).toBe(1);

  // errors keep their shape: no session, bad input, unknown route
  await expect(t.client().call(contest.castVote, { params: { entryId: entry.id } })).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  const bad = await t.http().post('/api/auth/member/login').set('content-type', 'application/json').send('{"code":');
  expect([bad.status, bad.body.code]).toEqual([400, 'BAD_REQUEST']);
  expect((await t.http().get('/api/no-such-route')).status).toBe(404);
  expect((await t.http().get('/api/live')).body).toMatchObject({ status: 'ok' });
});

test('a signed WeCom callback is accepted once; its retry sends no second welcome', async () => {
  const welcomes = () => sim.calls.filter((c) => c.path.endsWith('/externalcontact/send_welcome_msg')).length;
  const before = welcomes();
  const res = await fetch(`${sim.url}/__sim/wecom/fire-callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gateway.url}/api/wecom/callback`, replay: 2, event: { ChangeType: 'add_external_contact', UserID: 'lisi' } }),
  });
  const fired = (await res.json()) as { ok: number };
  expect(fired.ok).toBe(1);
  // the function finished the welcome before answering (an instance may be frozen afterwards)
  expect(welcomes() - before).toBe(1);
  const d = await t.container.getAsync(Db);
  expect(await d.manager.count(CallbackInbox)).toBe(1);
  // a forged callback is refused
  const forged = await fetch(`${sim.url}/__sim/wecom/fire-callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gateway.url}/api/wecom/callback`, forge: 'signature', event: { ChangeType: 'add_external_contact', UserID: 'lisi' } }),
  });
  expect(((await forged.json()) as { ok: number }).ok).toBe(0);
  expect(await d.manager.count(CallbackInbox)).toBe(1);
});

test('the mini-program method override is applied before routing', () => {
  const e = { path: '/api/me', httpMethod: 'POST', headers: { 'X-HTTP-Method-Override': 'patch' }, queryParameters: {} };
  expect(applyMethodOverride(e).httpMethod).toBe('PATCH');
  expect(applyMethodOverride({ ...e, httpMethod: 'GET' }).httpMethod).toBe('GET');
  expect(applyMethodOverride({ ...e, headers: { 'x-http-method-override': 'TRACE' } }).httpMethod).toBe('POST');
});
