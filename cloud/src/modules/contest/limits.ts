/**
 * Vote protection knobs and a small in-process fixed-window limiter.
 *
 * The limiter is per server instance (each instance allows the limit; the per-day vote limits
 * themselves are enforced in the database and hold across instances). The per-IP limit is generous
 * because many members share a carrier NAT or the store's Wi-Fi; it stops scripted floods, not
 * neighbours. VOTE_IP_LIMIT_PER_MIN overrides it (the benchmark drives every connection from
 * 127.0.0.1 and raises it). TODO(lead): move VOTE_IP_LIMIT_PER_MIN into config/env.ts + README.
 */
import { z } from 'zod';

const limitsEnv = z.object({ VOTE_IP_LIMIT_PER_MIN: z.coerce.number().int().positive().default(600) });

export interface VoteLimits {
  /** Vote requests one member may make per 10 s (taps, not accepted votes). */
  memberPer10s: number;
  /** Vote requests per client IP per minute. */
  ipPerMinute: number;
  /** Burst flag: this many votes from new accounts on one entry … */
  burstThreshold: number;
  /** … within this many minutes. */
  burstWindowMinutes: number;
  /** The close job leaves this long after vote_end_at for votes already in flight. */
  closeGraceMs: number;
}

export function voteLimits(env: NodeJS.ProcessEnv = process.env): VoteLimits {
  const parsed = limitsEnv.safeParse(env);
  return {
    memberPer10s: 10,
    ipPerMinute: parsed.success ? parsed.data.VOTE_IP_LIMIT_PER_MIN : 600,
    burstThreshold: 10,
    burstWindowMinutes: 10,
    closeGraceMs: 5_000,
  };
}

export class FixedWindowLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Count one hit for `key`; false when it is over the limit in the current window. */
  hit(key: string): boolean {
    const t = this.now();
    this.sweep(t);
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      this.windows.set(key, { start: t, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.limit;
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < this.windowMs) return;
    this.lastSweep = t;
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}
