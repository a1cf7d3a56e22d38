/**
 * In-process token buckets, one per API name. Each caller reserves a token up front (the
 * balance may go negative) and waits until its reservation is covered, so waiters are served
 * in arrival order without polling. Not shared between instances: it only keeps one instance
 * from bursting into the platform's per-API frequency limit (WeCom: 10k/min per corp per API).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSec: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Milliseconds the caller must wait before its call may go out (0 = now). */
  reserve(): number {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.refillPerSec);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.refillPerSec) * 1000);
  }

  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

export interface RateLimitOptions {
  /** Burst size per API. */
  capacity: number;
  /** Sustained calls per second per API. */
  perSecond: number;
}

export class ApiRateLimiter {
  private buckets = new Map<string, TokenBucket>();
  constructor(
    private readonly opts: RateLimitOptions,
    private readonly now: () => number = Date.now,
    /** Per-API limits that differ from `opts` (e.g. a bigger burst for time-critical APIs). */
    private readonly perApi: Record<string, RateLimitOptions> = {},
  ) {}

  take(api: string): Promise<void> {
    let b = this.buckets.get(api);
    if (!b) {
      const o = this.perApi[api] ?? this.opts;
      b = new TokenBucket(o.capacity, o.perSecond, this.now);
      this.buckets.set(api, b);
    }
    return b.take();
  }
}

/** Counts hits in fixed windows, shared by every instance (core/limits' ChainLimits is one). */
export interface WindowCounter {
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; count: number; resetAt: number }>;
}

/**
 * WeCom's frequency limits per corp and per API (platform facts: 10,000 a minute, 150,000 an hour;
 * 45009 when exceeded), and the budget we keep under them chain-wide: a tenth of headroom for
 * clock skew between WeCom's windows and ours and for calls another app of the corp makes.
 */
export const WECOM_FREQUENCY_LIMITS = { perMinute: 10_000, perHour: 150_000 } as const;
export const WECOM_CHAIN_BUDGET = { perMinute: 9_000, perHour: 135_000 } as const;

export interface ChainBudget {
  perMinute: number;
  perHour: number;
}

/** Our own budget is spent and the window does not end within the wait a caller may afford. */
export class ChainRateLimited extends Error {
  constructor(
    readonly api: string,
    readonly retryAt: number,
  ) {
    super(`wecom ${api}: the chain-wide call budget is spent until ${new Date(retryAt).toISOString()}`);
    this.name = 'ChainRateLimited';
  }
}

/**
 * Per-API call budget for the whole chain: every instance (servers and functions) counts its
 * calls in the same minute and hour windows (core/limits: MySQL or Redis), so N instances
 * together stay under WeCom's per-API limits instead of each of them alone. A call over budget
 * waits for the window to turn when that is soon (≤ maxWaitMs), else fails with
 * ChainRateLimited, which the queues treat like WeCom's own 45009 (retry later). When the
 * shared store cannot be reached the call goes ahead: WeCom still enforces its limit, and a
 * database hiccup must not stop welcomes.
 */
export class ChainApiLimiter {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;

  constructor(
    private readonly counter: WindowCounter,
    /** e.g. `wecom:<corpId>`: the limit is per corp. */
    private readonly scope: string,
    private readonly budget: ChainBudget = WECOM_CHAIN_BUDGET,
    o: { now?: () => number; sleep?: (ms: number) => Promise<void>; maxWaitMs?: number; onStoreError?: (err: unknown) => void } = {},
  ) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.maxWaitMs = o.maxWaitMs ?? 15_000;
    this.onStoreError = o.onStoreError ?? (() => undefined);
  }

  private readonly onStoreError: (err: unknown) => void;

  async take(api: string): Promise<void> {
    const started = this.now();
    for (;;) {
      let blockedUntil: number | null = null;
      try {
        const minute = await this.counter.hit(`${this.scope}:${api}:m`, this.budget.perMinute, 60_000);
        if (!minute.allowed) blockedUntil = minute.resetAt;
        else {
          const hour = await this.counter.hit(`${this.scope}:${api}:h`, this.budget.perHour, 3_600_000);
          if (!hour.allowed) blockedUntil = hour.resetAt;
        }
      } catch (err) {
        this.onStoreError(err);
        return;
      }
      if (blockedUntil === null) return;
      const t = this.now();
      if (blockedUntil - started > this.maxWaitMs) throw new ChainRateLimited(api, blockedUntil);
      // a little spread so the waiting instances do not all come back in the same millisecond
      await this.sleep(Math.max(0, blockedUntil - t) + Math.floor(Math.random() * 50));
    }
  }
}
