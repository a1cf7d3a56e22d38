/** The error contract: every failure is `{ code, message, details? }` with the right status, never a 500 for bad input. */
import { ApiError, identity, system, wecom } from '../../contracts';
import { toErrorResponse } from '../src/core/error.filter';
import { AppError, ResponseDriftError } from '../src/core/errors';
import { allContractRoutes, buildOpenApi } from '../src/core/openapi';
import { boundRoutes, Route } from '../src/core/route';
import { defineRoute } from '../../contracts/route';
import { PlatformError, PlatformUnavailableError } from '../src/platform/types';
import { z } from 'zod';
import { startTestApp, type TestApp } from './helpers/app';
import { makeStaff } from './helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

test('validation failures name the fields, in Chinese, with 400', async () => {
  const res = await t.http().post('/api/auth/staff/login').send({ username: '', extra: 1 });
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('VALIDATION_FAILED');
  expect(res.body.message).toBe('提交的信息有误，请检查后再试');
  const paths = res.body.details.map((d: { path: string }) => d.path).sort();
  expect(paths).toEqual(['password', 'username']);
  for (const d of res.body.details) expect(d.message).toMatch(/[\u4e00-\u9fa5]/);
});

test('query and params are validated too', async () => {
  const staff = await makeStaff(t, { role: 'hq_admin' });
  const { token } = await t.client().call(identity.staffLogin, { body: { username: staff.username, password: staff.password } });
  const bad = await t.http().get('/api/admin/members?pageSize=1000&page=0').set('authorization', `Bearer ${token}`);
  expect(bad.status).toBe(400);
  expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['page', 'pageSize']);
  const badId = await t.http().get('/api/admin/members/abc').set('authorization', `Bearer ${token}`);
  expect(badId.status).toBe(400);
  expect(badId.body.details[0].path).toBe('memberId');
});

test('unknown routes answer 404 JSON', async () => {
  for (const p of ['/api/nope', '/api/admin/members/1/whatever', '/totally/unknown']) {
    const res = await t.http().get(p);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'NOT_FOUND', message: '内容不存在或已删除' });
  }
  const wrongMethod = await t.http().delete('/api/health');
  expect(wrongMethod.status).toBe(404);
  expect(wrongMethod.body.code).toBe('NOT_FOUND');
});

test('malformed JSON is a 400, not a 500', async () => {
  const res = await t.http().post('/api/auth/member/login').set('content-type', 'application/json').send('{"code": "abc",');
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('BAD_REQUEST');
  expect(res.body.message).not.toMatch(/bodyParser|Unexpected|JSON\.parse/);
});

test('non-JSON bodies are validated as missing fields', async () => {
  const res = await t.http().post('/api/auth/member/login').set('content-type', 'text/plain').send('code=abc');
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('VALIDATION_FAILED');
});

test('an oversized body is 413 PAYLOAD_TOO_LARGE', async () => {
  const res = await t
    .http()
    .post('/api/auth/staff/login')
    .set('content-type', 'application/json')
    .send(JSON.stringify({ username: 'x', password: 'y', pad: 'z'.repeat(1_200_000) }));
  expect(res.status).toBe(413);
  expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
});

test('missing, malformed and unknown tokens are 401', async () => {
  const none = await t.http().get('/api/me');
  expect(none.status).toBe(401);
  expect(none.body.code).toBe('UNAUTHENTICATED');
  const malformed = await t.http().get('/api/me').set('authorization', 'Token abc');
  expect(malformed.status).toBe(401);
  const unknown = await t
    .http()
    .get('/api/me')
    .set('authorization', `Bearer ${'A'.repeat(43)}`);
  expect(unknown.status).toBe(401);
  expect(unknown.body.code).toBe('UNAUTHENTICATED');
});

test('error mapping: zod, platform, drift and unknown errors', () => {
  const logged: unknown[] = [];
  const log = (_l: string, e: unknown) => logged.push(e);
  const zodErr = z.object({ a: z.string() }).safeParse({}).error!;
  expect(toErrorResponse(zodErr, log)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ path: 'a' }] } });
  expect(toErrorResponse(new AppError('CONFLICT'), log)).toEqual({ status: 409, body: { code: 'CONFLICT', message: '操作冲突，请刷新后再试' } });
  expect(toErrorResponse(new PlatformError('wechat', 'x', -1, 'busy'), log).body.code).toBe('UPSTREAM_UNAVAILABLE');
  expect(toErrorResponse(new PlatformUnavailableError('wecom', 'x', 'timeout', 't'), log).status).toBe(502);
  const drift = toErrorResponse(new ResponseDriftError('GET /x', [{ path: 'id', message: 'bad' }]), log);
  expect(drift).toMatchObject({ status: 500, body: { code: 'INTERNAL', details: [{ path: 'id' }] } });
  const secret = new Error('SQLITE_ERROR near "DROP": syntax error at /srv/app.js:12');
  const unknown = toErrorResponse(secret, log);
  expect(unknown).toEqual({ status: 500, body: { code: 'INTERNAL', message: '系统开小差了，请稍后再试' } });
  expect(logged).toContain(secret);
});

test('every identity/system contract route (and the sidebar/JS-SDK ones) has a handler; OpenAPI lists all contracts', async () => {
  const bound = new Set(boundRoutes().map((b) => `${b.def.method} ${b.def.path}`));
  const routes = (ns: object) => Object.values(ns).filter((v) => typeof v === 'object' && v && 'path' in v && 'response' in v);
  const mine = [...routes(identity), ...routes(system), wecom.jssdkSignature, wecom.sidebarContact];
  expect(mine.length).toBeGreaterThanOrEqual(15);
  for (const r of mine) expect(bound).toContain(`${r.method} ${r.path}`);
  expect(allContractRoutes().filter((r) => r.group === 'identity')).toHaveLength(routes(identity).length);

  const res = await t.http().get('/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.body.openapi).toBe('3.1.0');
  const doc = buildOpenApi({ version: 'x' }) as { paths: Record<string, Record<string, unknown>> };
  expect(Object.keys(res.body.paths).sort()).toEqual(Object.keys(doc.paths).sort());
  for (const r of allContractRoutes()) {
    const op = res.body.paths[r.def.path.replace(/:(\w+)/g, '{$1}')][r.def.method.toLowerCase()];
    expect(op.summary).toBe(r.def.summary);
  }
  // a non-JSON answer (the roster CSV) is described with its own media type
  expect(Object.keys(res.body.paths['/api/admin/classes/sessions/{sessionId}/roster.csv'].get.responses['200'].content)).toEqual(['text/csv']);
  expect(Object.keys(res.body.paths['/api/me'].get.responses['200'].content)).toEqual(['application/json']);
  const detail = res.body.paths['/api/admin/members/{memberId}'].get;
  expect(detail.parameters).toEqual([expect.objectContaining({ name: 'memberId', in: 'path', required: true })]);
  expect(res.body.paths['/api/auth/member/login'].post.requestBody.content['application/json'].schema.required).toEqual(['code']);
  const docs = await t.http().get('/api/docs');
  expect(docs.status).toBe(200);
  expect(docs.text).toContain('/api/openapi.json');
});

test('the typed client surfaces the stable code', async () => {
  await expect(t.client().call(identity.staffLogin, { body: { username: 'ghost', password: 'x' } })).rejects.toMatchObject({
    status: 401,
    code: 'INVALID_CREDENTIALS',
  });
  const err = await t
    .client()
    .call(identity.getMe)
    .catch((e) => e);
  expect(err).toBeInstanceOf(ApiError);
});

test('/ redirects to the ops page', async () => {
  const res = await t.http().get('/');
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe('/admin/');
});

test('@Route: parsed input reaches the handler; a response that drifts from the contract fails loudly under test', async () => {
  const echo = defineRoute({
    method: 'POST',
    path: '/__test/echo/:id',
    auth: 'public',
    summary: 'test only',
    params: z.object({ id: z.coerce.number().int() }),
    body: z.object({ n: z.number() }),
    response: z.object({ id: z.number(), n: z.number() }),
  });
  class Probe {
    async ok(input: { params: { id: number }; body: { n: number } }) {
      return { id: input.params.id, n: input.body.n, leaked: 'secret' } as unknown as { id: number; n: number };
    }
    async drift() {
      return { id: 'not a number', n: 1 } as unknown as { id: number; n: number };
    }
  }
  const okDesc = Object.getOwnPropertyDescriptor(Probe.prototype, 'ok')!;
  Route(echo)(Probe.prototype, 'ok', okDesc);
  const driftDesc = Object.getOwnPropertyDescriptor(Probe.prototype, 'drift')!;
  Route(echo)(Probe.prototype, 'drift', driftDesc);
  const headers: Record<string, string> = {};
  const ctx = () => ({
    params: { id: '7' },
    query: {},
    request: { body: { n: 3 } },
    get: () => '',
    set: (k: string, v: string) => (headers[k] = v),
    status: 404,
    logger: { error: jest.fn() },
  });
  const probe = new Probe();
  // unknown fields are dropped on the way out
  await expect((okDesc.value as (c: unknown) => Promise<unknown>).call(probe, ctx())).resolves.toEqual({ id: 7, n: 3 });
  await expect((driftDesc.value as (c: unknown) => Promise<unknown>).call(probe, ctx())).rejects.toBeInstanceOf(ResponseDriftError);
  const bad = { ...ctx(), params: { id: 'x' } };
  await expect((okDesc.value as (c: unknown) => Promise<unknown>).call(probe, bad)).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    details: [{ path: 'id' }],
  });
});

test('signed-in answers are not cacheable', async () => {
  const staff = await makeStaff(t, { role: 'staff' });
  const { token } = await t.client().call(identity.staffLogin, { body: { username: staff.username, password: staff.password } });
  const res = await t.http().get('/api/staff/me').set('authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
});
