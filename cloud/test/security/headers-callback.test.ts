/**
 * Security headers (helmet), and the WeCom callback's hardening: XML only, signature before parsing,
 * linear parsing, stale timestamps refused, processed rows purged after the retention window.
 */
import * as http from 'http';
import Koa from 'koa';
import { encrypt, getSignature } from '@wecom/crypto';
import { WECOM_CALLBACK_PATH } from '../../../contracts/wecom';
import { loadEnv } from '../../src/config/env';
import { securityHeaders } from '../../src/core/security-headers.middleware';
import { JobRunner } from '../../src/core/jobs';
import { CallbackInbox } from '../../src/modules/wecom/entities/callback-inbox.entity';
import { parseFlatXml } from '../../src/modules/wecom/callback-crypto';
import { startTestApp, type TestApp } from '../helpers/app';
import { db } from '../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

test('CSP with frame-ancestors none, no-referrer, nosniff on the API; no HSTS outside production', async () => {
  const res = await t.http().get('/api/health');
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['strict-transport-security']).toBeUndefined();
});

test('the sidebar may be framed by WeCom only; production adds HSTS', async () => {
  const res = await t.http().get('/sidebar/');
  expect(res.headers['content-security-policy']).toMatch(/frame-ancestors https:\/\/work\.weixin\.qq\.com/);
  expect(res.headers['x-frame-options']).toBeUndefined();
  const h = securityHeaders({ ...loadEnv({ NODE_ENV: 'test' }), NODE_ENV: 'production', simulatorEnabled: false });
  const app = new Koa();
  app.use((ctx, next) => h.other(ctx as never, next));
  app.use((ctx) => (ctx.body = 'ok'));
  const server = http.createServer(app.callback()).listen(0);
  const port = (server.address() as { port: number }).port;
  const r = await fetch(`http://127.0.0.1:${port}/`);
  server.close();
  expect(r.headers.get('strict-transport-security')).toContain('max-age=31536000');
  expect(r.headers.get('content-security-policy')).not.toContain('127.0.0.1');
});

const env = loadEnv({ NODE_ENV: 'test' });
function signed(fields: Record<string, string>, timestamp: number) {
  const xml = `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`;
  const cipher = encrypt(env.WECOM_ENCODING_AES_KEY, xml, env.WECOM_CORP_ID);
  const nonce = 'n0nce';
  const ts = String(timestamp);
  return {
    query: `?msg_signature=${getSignature(env.WECOM_CALLBACK_TOKEN, ts, nonce, cipher)}&timestamp=${ts}&nonce=${nonce}`,
    body: `<xml><Encrypt><![CDATA[${cipher}]]></Encrypt></xml>`,
  };
}

test('callbacks: XML only, stale timestamps refused (nothing stored), fresh ones stored', async () => {
  const d = await db(t);
  const before = await d.manager.count(CallbackInbox);
  const fields = {
    ToUserName: env.WECOM_CORP_ID,
    CreateTime: '1700000000',
    MsgType: 'event',
    Event: 'change_external_contact',
    ChangeType: 'edit_external_contact',
    UserID: 'zhaoliu',
    ExternalUserID: 'wm_x',
  };
  const now = Math.floor(Date.now() / 1000);
  const fresh = signed(fields, now);
  const asJson = await t
    .http()
    .post(WECOM_CALLBACK_PATH + fresh.query)
    .set('content-type', 'application/json')
    .send(JSON.stringify({ xml: fresh.body }));
  expect(asJson.status).toBe(403);
  const stale = signed(fields, now - 3600);
  expect(
    (
      await t
        .http()
        .post(WECOM_CALLBACK_PATH + stale.query)
        .set('content-type', 'text/xml')
        .send(stale.body)
    ).status,
  ).toBe(403);
  expect(await d.manager.count(CallbackInbox)).toBe(before);
  const ok = await t
    .http()
    .post(WECOM_CALLBACK_PATH + fresh.query)
    .set('content-type', 'text/xml')
    .send(fresh.body);
  expect([ok.status, ok.text]).toEqual([200, 'success']);
  expect(await d.manager.count(CallbackInbox)).toBe(before + 1);
  const big = '<xml>' + 'A'.repeat(70 * 1024) + '</xml>';
  expect(
    (
      await t
        .http()
        .post(WECOM_CALLBACK_PATH + fresh.query)
        .set('content-type', 'text/xml')
        .send(big)
    ).status,
  ).toBe(413);
});

test('the XML scan is linear: a megabyte of unclosed tags is read at once', () => {
  const junk = '<xml>' + '<a>'.repeat(350_000) + '</xml>';
  const t0 = performance.now();
  parseFlatXml(junk);
  // unterminated CDATA: refused, also at once
  expect(() => parseFlatXml('<xml>' + '<ToUserName><![CDATA['.repeat(50_000) + '</xml>')).toThrow(/format/);
  // the old regular expression took seconds on such input; a linear scan takes milliseconds (1 s allows a busy machine)
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(parseFlatXml('<xml><A><![CDATA[x<y]]></A><B>2</B><C><D>nested</D></C></xml>')).toEqual({ A: 'x<y', B: '2', D: 'nested' });
});

test('processed callbacks are purged after the retention window', async () => {
  const d = await db(t);
  const old = new Date(Date.now() - 8 * 86_400_000);
  await d.manager.insert(CallbackInbox, {
    dedupeKey: 'old-done',
    event: 'x',
    changeType: null,
    externalUserId: null,
    userId: null,
    payload: '{}',
    eventAt: old,
    receivedAt: old,
    status: 'done',
    attempts: 1,
    nextAttemptAt: old,
    lockedUntil: null,
    processedAt: old,
    lastError: null,
  });
  await d.manager.insert(CallbackInbox, {
    dedupeKey: 'old-failed',
    event: 'x',
    changeType: null,
    externalUserId: null,
    userId: null,
    payload: '{}',
    eventAt: old,
    receivedAt: old,
    status: 'failed',
    attempts: 5,
    nextAttemptAt: old,
    lockedUntil: null,
    processedAt: null,
    lastError: 'e',
  });
  await (await t.container.getAsync(JobRunner)).runNow('wecom.inbox-purge');
  expect(await d.manager.findOneBy(CallbackInbox, { dedupeKey: 'old-done' })).toBeNull();
  expect(await d.manager.findOneBy(CallbackInbox, { dedupeKey: 'old-failed' })).not.toBeNull();
});
