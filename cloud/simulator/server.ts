/**
 * One local HTTP server with a face per platform under a path prefix:
 *   /wechat -> api.weixin.qq.com, /wecom -> qyapi.weixin.qq.com, /pay -> api.mch.weixin.qq.com (later)
 * plus the control API under /__sim (JSON, CORS-enabled for dev pages).
 */
import { createServer, IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { SimFace, SimRequest, SimResult, SimRoute, badRequest, field, json } from './router';
import { SimCall, SimFault, SimState } from './state';
import { wechatFace, WechatFaceOptions } from './wechat';
import { weatherFace } from './weather';
import { wecomFace, WecomFaceOptions } from './wecom';
import { DEFAULT_CALLBACK_CRYPTO, wecomEngineModules } from './wecom-callbacks';
import { payFace, PayFaceOptions } from './pay';

export interface SimulatorOptions {
  port: number;
  host?: string;
  wechat: WechatFaceOptions;
  /** callbackToken / encodingAESKey: what the callback URL is configured with (defaults = the env defaults). */
  wecom: WecomFaceOptions & { callbackToken?: string; encodingAESKey?: string };
  /** WeChat Pay face (/pay); keys default to this process's generated dev keys. */
  pay?: PayFaceOptions;
}

export interface SimulatorHandle {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Live record of API calls received (control calls are not recorded). */
  calls: SimCall[];
  reset(): void;
  /** Inject errcodes/delays for the next calls to a path (same as POST /__sim/faults). */
  fault(f: SimFault): void;
  /** Move the simulator's clock forward (code and token expiry). */
  advanceClock(ms: number): void;
  state: SimState;
}

/** WeCom's temporary media takes files up to 20 MB (multipart envelope on top). */
const MAX_BODY = 21 * 1024 * 1024;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  if (!raw.length) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, result: SimResult, extraHeaders: Record<string, string> = {}): void {
  const status = result.status ?? 200;
  const headers: Record<string, string> = { ...extraHeaders, ...result.headers };
  let payload: string | Buffer;
  if (result.raw !== undefined) {
    payload = result.raw;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (result.json !== undefined) {
    payload = JSON.stringify(result.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else {
    payload = result.text ?? '';
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  }
  res.writeHead(status, headers);
  res.end(payload);
}

/** Exact paths first; a route path may name segments with ':' (the pay face: /v3/…/out-trade-no/:out_trade_no). */
function findRoute(routes: SimRoute[], method: string, path: string): SimRoute | undefined {
  return (
    routes.find((r) => r.method === method && r.path === path) ??
    routes.find((r) => r.method === method && r.path.includes(':') && matchPath(r.path, path) !== null)
  );
}

export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

function errcodeOf(result: SimResult): number | null {
  const e = field(result.json, 'errcode');
  if (typeof e === 'number') return e;
  // WeChat success bodies omit errcode; any other JSON (or binary) 2xx answer counts as success.
  return (result.json !== undefined || result.raw !== undefined) && (result.status ?? 200) < 300 ? 0 : null;
}

export async function startSimulator(opts: SimulatorOptions): Promise<SimulatorHandle> {
  const state = new SimState();
  const callbackCrypto = {
    token: opts.wecom.callbackToken ?? DEFAULT_CALLBACK_CRYPTO.token,
    encodingAESKey: opts.wecom.encodingAESKey ?? DEFAULT_CALLBACK_CRYPTO.encodingAESKey,
  };
  const faces: SimFace[] = [
    wechatFace(state, opts.wechat),
    wecomFace(state, opts.wecom, wecomEngineModules(callbackCrypto)),
    weatherFace(state),
    payFace(state, opts.pay ?? {}),
  ];

  const reset = () => {
    state.reset();
    for (const f of faces) f.reset();
  };

  const controlRoutes: SimRoute[] = [
    {
      method: 'GET',
      path: '/calls',
      handle: (r) => json({ calls: state.callsFor(r.query.get('path') ?? undefined) }),
    },
    {
      method: 'POST',
      path: '/faults',
      handle: (r) => {
        const path = field(r.body, 'path');
        const errcode = field(r.body, 'errcode');
        const delayMs = field(r.body, 'delayMs');
        const times = field(r.body, 'times') ?? 1;
        if (typeof path !== 'string' || !path.startsWith('/')) return badRequest('path must be a full path like /wecom/cgi-bin/gettoken');
        if (errcode !== undefined && !Number.isInteger(errcode)) return badRequest('errcode must be an integer');
        if (delayMs !== undefined && !(Number.isInteger(delayMs) && (delayMs as number) >= 0 && (delayMs as number) <= 120_000)) {
          return badRequest('delayMs must be an integer 0..120000');
        }
        if (errcode === undefined && delayMs === undefined) return badRequest('give errcode and/or delayMs');
        if (!(Number.isInteger(times) && (times as number) >= 1 && (times as number) <= 10_000)) return badRequest('times must be 1..10000');
        state.addFault({ path, errcode: errcode as number | undefined, delayMs: delayMs as number | undefined, times: times as number });
        return json({ faults: state.pendingFaults() });
      },
    },
    { method: 'GET', path: '/faults', handle: () => json({ faults: state.pendingFaults() }) },
    {
      method: 'POST',
      path: '/clock',
      handle: (r) => {
        const ms = field(r.body, 'advanceMs');
        if (!(Number.isInteger(ms) && (ms as number) >= 0)) return badRequest('advanceMs must be a non-negative integer');
        state.advance(ms as number);
        return json({ now: new Date(state.now()).toISOString() });
      },
    },
    {
      method: 'POST',
      path: '/reset',
      handle: () => {
        reset();
        return json({ ok: true });
      },
    },
    ...faces.flatMap((f) => f.control.map((r) => ({ ...r, path: `/${f.name}${r.path}` }))),
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = url.pathname.replace(/\/+$/, '') || '/';

    if (pathname === '/__sim' || pathname.startsWith('/__sim/')) {
      if (method === 'OPTIONS') return send(res, { status: 204 }, CORS);
      const route = findRoute(controlRoutes, method, pathname.slice('/__sim'.length));
      if (!route) return send(res, json({ error: `no control route ${method} ${pathname}` }, 404), CORS);
      const raw = await readBody(req);
      const result = await route.handle({
        method,
        path: pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody: raw,
        body: parseJson(raw),
        params: matchPath(route.path, pathname.slice('/__sim'.length)) ?? {},
      });
      return send(res, result, CORS);
    }

    if (pathname === '/') {
      return send(res, json({ simulator: true, faces: faces.map((f) => f.prefix), control: '/__sim' }));
    }

    const face = faces.find((f) => pathname === f.prefix || pathname.startsWith(f.prefix + '/'));
    if (!face) return send(res, json({ error: `no face for ${pathname} ` }, 404));
    const sub = pathname.slice(face.prefix.length);
    const raw = await readBody(req);
    const body = parseJson(raw);
    const route = findRoute(face.routes, method, sub);

    let result: SimResult;
    let injected = false;
    const fault = route ? state.takeFault(pathname) : undefined;
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (!route) result = json({ error: `simulator does not implement ${method} ${pathname}` }, 404);
    else if (fault?.errcode !== undefined) {
      result = json(face.faultBody(fault.errcode));
      injected = true;
    } else {
      result = await route.handle({
        method,
        path: sub,
        query: url.searchParams,
        headers: req.headers,
        rawBody: raw,
        body,
        params: matchPath(route.path, sub) ?? {},
      } as SimRequest);
    }
    state.record({
      face: face.name,
      method,
      path: pathname,
      query: url.searchParams,
      ...(body !== undefined ? { body } : {}),
      status: result.status ?? 200,
      errcode: errcodeOf(result),
      ...(injected ? { injected } : {}),
    });
    if (res.destroyed) return; // the client gave up (timeout tests)
    send(res, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, json({ error: (err as Error).message }, (err as Error).message === 'body too large' ? 413 : 500));
      else res.destroy();
    });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    get calls() {
      return state.calls;
    },
    state,
    reset,
    fault: (f) => state.addFault(f),
    advanceClock: (ms) => state.advance(ms),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
