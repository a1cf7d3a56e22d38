/**
 * Credentials (access_token, tickets) cached in the database so every instance shares them,
 * with an in-memory copy in front, single-flight loading per key, and refresh ahead of expiry.
 *
 * - A value is *usable* until `expiresAt - hardMarginMs` and *due* for refresh from
 *   `expiresAt - refreshMarginMs`. A due-but-usable value is returned at once while one
 *   background refresh (per key, throttled) replaces it, so callers never wait on it.
 * - `get(key, fetch, rejected)` with the value the platform just rejected (40014/42001)
 *   never returns that value again: it reloads from the DB (another instance may have
 *   refreshed already) or fetches a new one.
 */
import type { Repository } from 'typeorm';
import { PlatformToken } from './platform-token.entity';
import type { PlatformLogger } from './http';
import { isUniqueViolation } from '../core/db';

export interface FetchedCredential {
  value: string;
  expiresInSec: number;
}

export interface TokenCacheOptions {
  now?: () => number;
  /** Refresh ahead of expiry by this much. Default 5 min. */
  refreshMarginMs?: number;
  /** Never hand out a value closer than this to its expiry. Default 30 s. */
  hardMarginMs?: number;
  /** At most one background refresh per key this often. Default 30 s. */
  backgroundThrottleMs?: number;
  logger?: PlatformLogger;
}

interface Entry {
  value: string;
  expiresAt: number;
}

export class TokenCache {
  private mem = new Map<string, Entry>();
  private flights = new Map<string, Promise<string>>();
  private lastBackground = new Map<string, number>();
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private readonly hardMarginMs: number;
  private readonly backgroundThrottleMs: number;
  private readonly logger?: PlatformLogger;

  constructor(
    private readonly repo: Repository<PlatformToken>,
    opts: TokenCacheOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.refreshMarginMs = opts.refreshMarginMs ?? 5 * 60_000;
    this.hardMarginMs = opts.hardMarginMs ?? 30_000;
    this.backgroundThrottleMs = opts.backgroundThrottleMs ?? 30_000;
    this.logger = opts.logger;
  }

  async get(key: string, fetcher: () => Promise<FetchedCredential>, rejected?: string): Promise<string> {
    const mem = this.mem.get(key);
    if (mem && mem.value !== rejected && this.usable(mem)) {
      if (this.due(mem)) this.refreshInBackground(key, fetcher);
      return mem.value;
    }
    if (rejected !== undefined && mem?.value === rejected) this.mem.delete(key);

    const running = this.flights.get(key);
    if (running) {
      const v = await running;
      if (v !== rejected) return v;
      // That flight re-read the rejected value; start (or join) one that skips it.
      const again = this.flights.get(key);
      if (again && again !== running) return again;
    }
    return this.flight(key, () => this.load(key, fetcher, rejected, false));
  }

  /** Drop the in-memory copy (tests, or after the platform revoked a secret). */
  forget(key: string): void {
    this.mem.delete(key);
  }

  private usable(e: Entry): boolean {
    return this.now() < e.expiresAt - this.hardMarginMs;
  }

  private due(e: Entry): boolean {
    return this.now() >= e.expiresAt - this.refreshMarginMs;
  }

  private flight(key: string, work: () => Promise<string>): Promise<string> {
    const p: Promise<string> = work().finally(() => {
      if (this.flights.get(key) === p) this.flights.delete(key);
    });
    this.flights.set(key, p);
    return p;
  }

  private refreshInBackground(key: string, fetcher: () => Promise<FetchedCredential>): void {
    if (this.flights.has(key)) return;
    const last = this.lastBackground.get(key) ?? -Infinity;
    if (this.now() - last < this.backgroundThrottleMs) return;
    this.lastBackground.set(key, this.now());
    this.flight(key, () => this.load(key, fetcher, undefined, true)).catch((err) => {
      this.logger?.warn(`[platform] background refresh of ${key.split(':').slice(0, 2).join(':')} failed: ${(err as Error).message}`);
    });
  }

  /**
   * Reads the shared row; uses it unless it is the rejected value, unusable, or (when
   * `refreshDue`) due for refresh too; otherwise fetches from the platform and stores.
   */
  private async load(key: string, fetcher: () => Promise<FetchedCredential>, rejected: string | undefined, refreshDue: boolean): Promise<string> {
    const row = await this.repo.findOne({ where: { key } });
    if (row) {
      const e = { value: row.value, expiresAt: new Date(row.expiresAt).getTime() };
      if (e.value !== rejected && this.usable(e) && !(refreshDue && this.due(e))) {
        this.mem.set(key, e);
        return e.value;
      }
    }
    const fetched = await fetcher();
    const fetchedAt = this.now();
    const e = { value: fetched.value, expiresAt: fetchedAt + fetched.expiresInSec * 1000 };
    await this.store(key, e, fetchedAt);
    this.mem.set(key, e);
    return e.value;
  }

  /** Update-then-insert, falling back to update when another instance inserted first. */
  private async store(key: string, e: Entry, at: number): Promise<void> {
    const fields = { value: e.value, expiresAt: new Date(e.expiresAt), updatedAt: new Date(at) };
    const res = await this.repo.update({ key }, fields);
    if (res.affected) return;
    try {
      await this.repo.insert({ key, ...fields });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await this.repo.update({ key }, fields);
    }
  }
}
