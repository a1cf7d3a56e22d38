/**
 * Errors the browser pages' error boundaries caught, written to the server log so a crash on a
 * clerk's phone is seen by whoever reads the logs. Public (a crash may come before sign-in), so it
 * is bounded: at most CLIENT_ERROR_MAX_BYTES per report and a few reports per client IP a minute;
 * extra reports in a window are counted and dropped (429), never queued.
 */
import { Logger, Provide, Scope, ScopeEnum, type ILogger } from '@midwayjs/core';
import type { RouteParsed } from '../../../../contracts/route';
import type * as systemApi from '../../../../contracts/system';

/** Reports accepted per client IP per minute. */
export const CLIENT_ERRORS_PER_MINUTE = 20;
/** Distinct IPs tracked at once; beyond that the oldest window is forgotten. */
const MAX_TRACKED = 10_000;

/** Fixed one-minute windows per key; a pure counter so it is tested without a server. */
export class PerMinuteLimiter {
  private windows = new Map<string, { start: number; n: number }>();
  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the call fits in this key's current window (and counts it). */
  allow(key: string): boolean {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= 60_000) {
      if (!w && this.windows.size >= MAX_TRACKED) this.windows.delete(this.windows.keys().next().value as string);
      w = { start: t, n: 0 };
      this.windows.delete(key);
      this.windows.set(key, w);
    }
    if (w.n >= this.limit) return false;
    w.n += 1;
    return true;
  }
}

/** One log line, no newlines from the client (log injection), stack trimmed to its first frames. */
export function clientErrorLine(r: RouteParsed<typeof systemApi.reportClientError>['body'], ip: string): string {
  const flat = (s: string) => s.replace(/[\r\n]+/g, ' ⏎ ').slice(0, 1200);
  const stack = r.stack ? ` stack=${flat(r.stack.split('\n').slice(0, 8).join('\n'))}` : '';
  return `[client-error] ${r.surface} ${flat(r.area)} ip=${ip} url=${flat(r.url ?? '')} message=${flat(r.message)}${stack}`;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClientErrorService {
  @Logger()
  logger!: ILogger;

  private readonly limiter = new PerMinuteLimiter(CLIENT_ERRORS_PER_MINUTE);

  record(body: RouteParsed<typeof systemApi.reportClientError>['body'], ip: string): boolean {
    if (!this.limiter.allow(ip)) return false;
    this.logger.error(clientErrorLine(body, ip));
    return true;
  }
}
