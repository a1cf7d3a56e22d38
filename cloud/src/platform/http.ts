/**
 * JSON over HTTP to WeChat/WeCom with a timeout, errcode handling and a call log.
 * Both platforms answer HTTP 200 with `{ errcode, errmsg }` on failure; success bodies of
 * WeChat often omit errcode entirely, so absent/0 both mean success.
 */
import { platformCalls } from '../core/metrics';
import { PlatformCallRecord, PlatformError, PlatformUnavailableError } from './types';

type Platform = PlatformCallRecord['platform'];

/** The subset of Midway's ILogger we use, so plain tests can pass their own. */
export interface PlatformLogger {
  info(msg: unknown, ...args: unknown[]): void;
  warn(msg: unknown, ...args: unknown[]): void;
  error(msg: unknown, ...args: unknown[]): void;
}

export const silentLogger: PlatformLogger = { info() {}, warn() {}, error() {} };

/** Fixed-size ring of recent calls for the ops page; oldest dropped first. */
export class CallRing {
  private items: PlatformCallRecord[] = [];
  constructor(private readonly capacity = 200) {}
  push(rec: PlatformCallRecord): void {
    this.items.push(rec);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }
  /** Newest first. */
  list(): PlatformCallRecord[] {
    return this.items.slice().reverse();
  }
}

export interface PlatformRequest {
  platform: Platform;
  /** Short API name for logs and errors, e.g. 'sns/jscode2session'. */
  api: string;
  baseUrl: string;
  /** Path on the platform host, e.g. '/cgi-bin/gettoken'. */
  path: string;
  query?: Record<string, string | number | undefined>;
  method?: 'GET' | 'POST';
  body?: unknown;
  timeoutMs?: number;
}

export interface RequestSink {
  logger: PlatformLogger;
  ring: CallRing;
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function buildUrl(baseUrl: string, path: string, query?: PlatformRequest['query']): string {
  // baseUrl may carry a path prefix (the simulator's /wecom), so join as strings.
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}

/**
 * Performs the call and returns the parsed body. Throws PlatformError for a non-zero errcode,
 * PlatformUnavailableError for timeouts, network failures, non-2xx statuses and non-JSON bodies.
 */
export async function requestPlatformJson<T = Record<string, unknown>>(req: PlatformRequest, sink: RequestSink): Promise<T> {
  const started = Date.now();
  const doFetch = sink.fetch ?? fetch;
  const finish = (outcome: PlatformCallRecord['outcome'], errcode: number | null, status?: number) => {
    const ms = Date.now() - started;
    sink.ring.push({ at: new Date(started).toISOString(), platform: req.platform, api: req.api, errcode, outcome, ms, status });
    platformCalls.inc({ platform: req.platform, api: req.api, outcome, errcode: errcode === null ? 'none' : String(errcode) });
    const line = `[platform] ${req.platform} ${req.api} outcome=${outcome} errcode=${errcode ?? '-'} ms=${ms}${status ? ` status=${status}` : ''}`;
    if (outcome === 'ok') sink.logger.info(line);
    else if (outcome === 'error') sink.logger.warn(line);
    else sink.logger.error(line);
  };

  let res: Response;
  try {
    const init: RequestInit = {
      method: req.method ?? 'GET',
      signal: AbortSignal.timeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      headers: { accept: 'application/json' },
    };
    if (req.body instanceof FormData) {
      // multipart (e.g. media/upload): fetch writes the boundary and content-type itself
      init.body = req.body;
    } else if (req.body !== undefined) {
      init.body = JSON.stringify(req.body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    res = await doFetch(buildUrl(req.baseUrl, req.path, req.query), init);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      finish('timeout', null);
      throw new PlatformUnavailableError(req.platform, req.api, 'timeout', `no answer within ${req.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
    }
    finish('network', null);
    // The cause carries e.g. ECONNREFUSED; the URL (with secrets in the query) is never included.
    throw new PlatformUnavailableError(req.platform, req.api, 'network', e.cause?.code ?? e.cause?.message ?? e.message);
  }

  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
    finish(timedOut ? 'timeout' : 'network', null, res.status);
    throw new PlatformUnavailableError(req.platform, req.api, timedOut ? 'timeout' : 'network', 'body not received', res.status);
  }
  if (!res.ok) {
    finish('http', null, res.status);
    throw new PlatformUnavailableError(req.platform, req.api, 'http', `HTTP ${res.status}: ${text.slice(0, 120)}`, res.status);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON object; the caller's T names its shape
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    finish('bad_response', null, res.status);
    throw new PlatformUnavailableError(req.platform, req.api, 'bad_response', `not a JSON object: ${text.slice(0, 120)}`, res.status);
  }
  const errcode = body.errcode === undefined || body.errcode === null ? 0 : Number(body.errcode);
  if (errcode !== 0) {
    finish('error', errcode, res.status);
    throw new PlatformError(req.platform, req.api, Number.isNaN(errcode) ? -1 : errcode, String(body.errmsg ?? ''));
  }
  finish('ok', 0, res.status);
  return body as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
