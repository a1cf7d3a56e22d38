/**
 * State shared by every face of the simulator: a clock that tests can move forward, the record
 * of calls received, and injected faults. Face-specific state lives in each face.
 */
import { randomBytes } from 'crypto';

export type FaceName = 'wechat' | 'wecom' | 'pay' | 'weather';

export interface SimCall {
  face: FaceName;
  method: string;
  /** Full path including the face prefix, e.g. /wecom/cgi-bin/gettoken. */
  path: string;
  /** Query with secrets removed and tokens masked. */
  query: Record<string, string>;
  /** Parsed JSON body of POSTs, if any. */
  body?: unknown;
  status: number;
  /** errcode of the answer (0 on success), null when the answer had none. */
  errcode: number | null;
  /** True when the answer came from an injected fault. */
  injected?: boolean;
  at: string;
}

export interface SimFault {
  /** Full path, e.g. /wecom/cgi-bin/auth/getuserinfo. */
  path: string;
  /** Answer with this errcode instead of handling the call (omit to only delay). */
  errcode?: number;
  /** Wait this long before answering (timeouts, slow platform). */
  delayMs?: number;
  /** How many of the next calls are affected. */
  times: number;
}

/** Query keys never recorded; access tokens are masked rather than dropped. */
const SECRET_KEYS = new Set(['secret', 'corpsecret', 'appsecret']);
const MASKED_KEYS = new Set(['access_token']);

export class SimState {
  calls: SimCall[] = [];
  private faults: SimFault[] = [];
  private offsetMs = 0;
  private readonly maxCalls = 5000;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  record(call: Omit<SimCall, 'at' | 'query'> & { query: URLSearchParams }): void {
    const query: Record<string, string> = {};
    for (const [k, v] of call.query) {
      if (SECRET_KEYS.has(k)) continue;
      query[k] = MASKED_KEYS.has(k) ? '***' : v;
    }
    this.calls.push({ ...call, query, at: new Date(this.now()).toISOString() });
    if (this.calls.length > this.maxCalls) this.calls.splice(0, this.calls.length - this.maxCalls);
  }

  /** Calls whose path equals `path` or lies under it (`/wecom` matches every WeCom call). */
  callsFor(path?: string): SimCall[] {
    if (!path) return this.calls.slice();
    const p = path.replace(/\/+$/, '');
    return this.calls.filter((c) => c.path === p || c.path.startsWith(p + '/'));
  }

  addFault(f: SimFault): void {
    this.faults.push({ ...f });
  }

  /** Consumes one use of the first fault for this path, if any. */
  takeFault(path: string): SimFault | undefined {
    const i = this.faults.findIndex((f) => f.path === path && f.times > 0);
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.times -= 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  pendingFaults(): SimFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  reset(): void {
    this.calls = [];
    this.faults = [];
    this.offsetMs = 0;
  }
}

/** Random string from an alphabet of letters, digits, '-' and '_'. */
export function randomId(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString('base64url')
    .slice(0, length);
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}
