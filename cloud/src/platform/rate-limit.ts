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
