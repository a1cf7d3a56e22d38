import { LRUCache } from 'lru-cache';

/**
 * The one batcher: items that arrive close together go to the database as one statement.
 *
 * - `BatchQueue<I, R>`: `add(item)` resolves with the item's result once the batch it went into
 *   has run (`push` when nobody waits). A batch runs at the end of the current event-loop turn
 *   (`delayMs: 0`), or after `delayMs` (write-behind off a hot path), or at once when `maxBatch`
 *   items are waiting. `serial`: one run at a time, and items that arrived meanwhile run right
 *   after it (group commit). `retryAfterMs`: a failed run keeps its items (up to `maxKept`) and
 *   runs them again later instead of failing them. `flush()` runs what is waiting now and resolves
 *   once every item added before the call is done (rejects when a run failed meanwhile).
 *   `stop()` (shutdown): nothing runs by itself any more (no timer, full batch or retry); what
 *   waits stays unrun unless `flush()` is called.
 * - `Batcher<K, V>`: look-ups by key asked for during one turn, answered by one `WHERE key IN (…)`
 *   (DataLoader-style: under load many requests need a row by key at the same moment).
 * - `CachedLookup<K, V>`: a `Batcher` whose answers are kept for a while (lru-cache, with a TTL),
 *   for facts that change about never (store names, a class's session count).
 *
 * Users: session and principal look-ups, class registration reads, contest votes, the WeCom
 * callback inbox's group commit, the welcome log's write-behind, the contest tally's recount pass.
 */

export interface BatchOptions {
  /** Items per run. */
  maxBatch?: number;
  /** 0: run at the end of the current event-loop turn; > 0: gather this long first. */
  delayMs?: number;
  /** One run at a time; what arrives meanwhile runs right after it. */
  serial?: boolean;
  /** A failed run's items are kept and run again after this long (else they are rejected). */
  retryAfterMs?: number;
  /** At most this many items kept for a retry (the rest are rejected). */
  maxKept?: number;
}

interface Waiting<I, R> {
  item: I;
  resolve(r: R): void;
  reject(e: unknown): void;
  /** flush() is waiting for this item. */
  done?: () => void;
}

const ignore = (): void => undefined;

export class BatchQueue<I, R = void> {
  private gathered: Array<Waiting<I, R>> = [];
  private readonly runs = new Set<Array<Waiting<I, R>>>();
  private readonly failureListeners = new Set<(err: unknown) => void>();
  /** Serial: a start was asked for while a run was going on. */
  private startWhenFree = false;
  private timer: { kind: 'immediate' | 'timeout'; handle: NodeJS.Immediate | NodeJS.Timeout } | null = null;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private stopped = false;

  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly opts: BatchOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 200;
    this.delayMs = opts.delayMs ?? 0;
  }

  /** Add an item; resolves with its result once its batch has run. */
  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => this.enqueue({ item, resolve, reject }));
  }

  /** Add an item nobody waits for (a write-behind row). */
  push(item: I): void {
    this.enqueue({ item, resolve: ignore, reject: ignore });
  }

  /** Some item waiting or running matches (e.g. "is this row written or about to be?"). */
  some(test: (item: I) => boolean): boolean {
    if (this.gathered.some((w) => test(w.item))) return true;
    for (const batch of this.runs) if (batch.some((w) => test(w.item))) return true;
    return false;
  }

  /** Shutdown: no more runs on their own (timers, full batches, retries); `flush()` still runs. */
  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  /** Run what is waiting now; resolves once every item added before this call is done. */
  async flush(): Promise<void> {
    const mine = [...this.gathered, ...[...this.runs].flat()];
    if (!mine.length) return;
    const all = Promise.all(
      mine.map(
        (w) =>
          new Promise<void>((resolve) => {
            const before = w.done;
            w.done = () => {
              before?.();
              resolve();
            };
          }),
      ),
    );
    let onFailure!: (err: unknown) => void;
    const failed = new Promise<never>((_, reject) => (onFailure = reject));
    this.failureListeners.add(onFailure);
    this.start();
    try {
      await Promise.race([all, failed]);
    } finally {
      this.failureListeners.delete(onFailure);
    }
  }

  private enqueue(w: Waiting<I, R>): void {
    this.gathered.push(w);
    if (this.gathered.length >= this.maxBatch && !this.stopped) this.start();
    else this.schedule(this.delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer || this.stopped) return;
    const fire = () => {
      this.timer = null;
      this.start();
    };
    if (ms > 0) {
      const handle = setTimeout(fire, ms);
      handle.unref();
      this.timer = { kind: 'timeout', handle };
    } else {
      this.timer = { kind: 'immediate', handle: setImmediate(fire) };
    }
  }

  private cancelTimer(): void {
    if (!this.timer) return;
    if (this.timer.kind === 'timeout') clearTimeout(this.timer.handle as NodeJS.Timeout);
    else clearImmediate(this.timer.handle as NodeJS.Immediate);
    this.timer = null;
  }

  /** Start runs for what is waiting (serial: only when none is running; it starts them when it ends). */
  private start(): void {
    this.cancelTimer();
    if (this.opts.serial && this.runs.size) {
      if (this.gathered.length) this.startWhenFree = true;
      return;
    }
    this.startWhenFree = false;
    while (this.gathered.length && !(this.opts.serial && this.runs.size)) {
      const batch = this.gathered.splice(0, this.maxBatch);
      this.runs.add(batch);
      void this.runBatch(batch);
    }
  }

  private async runBatch(batch: Array<Waiting<I, R>>): Promise<void> {
    let failed = false;
    try {
      const results = await this.run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        w.resolve(results[i]);
        w.done?.();
      });
    } catch (err) {
      failed = true;
      const keep = this.opts.retryAfterMs === undefined ? 0 : Math.max(0, (this.opts.maxKept ?? 10_000) - this.gathered.length);
      for (const w of batch.slice(keep)) {
        w.reject(err);
        w.done?.();
      }
      this.gathered.unshift(...batch.slice(0, keep));
      this.failureListeners.forEach((l) => l(err));
    } finally {
      this.runs.delete(batch);
    }
    if (failed && this.opts.retryAfterMs !== undefined) {
      this.startWhenFree = false;
      this.schedule(this.opts.retryAfterMs);
    } else if (this.opts.serial && this.gathered.length) {
      // what was due meanwhile (its gathering time passed, a full batch, a flush) starts now; the
      // rest keeps gathering for its delay (write-behind: one insert per delay, not back to back)
      if (this.startWhenFree) this.start();
      else this.schedule(this.delayMs);
    }
  }
}

/**
 * Look-ups asked for during one event-loop turn coalesced into one query: `load(keys)` answers a
 * map; a key it does not answer resolves `undefined`. Alone, a look-up waits only until the end
 * of the current turn. Nothing is cached across turns.
 *
 * One query at a time (serial): keys asked for while a query is out gather for the next one. Under
 * a burst a turn holds only the few requests the HTTP parser finished in it, so per-turn batches
 * stayed at one or two keys (500 registrations at once made ~200 queries per look-up); gathering
 * while the previous query runs makes the batch as large as the burst. A lone look-up is not
 * delayed (nothing is out), and no answer is older than the query it waited for.
 */
export class Batcher<K, V> {
  private readonly queue: BatchQueue<K, V | undefined>;
  /** Keys gathered for the next run: asked again, they share its answer (maxBatch counts distinct keys). */
  private readonly gathering = new Map<K, Promise<V | undefined>>();

  constructor(load: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 200, opts: { serial?: boolean } = {}) {
    this.queue = new BatchQueue<K, V | undefined>(
      async (keys) => {
        keys.forEach((k) => this.gathering.delete(k));
        const found = await load(keys);
        return keys.map((k) => found.get(k));
      },
      { maxBatch, serial: opts.serial ?? true },
    );
  }

  get(key: K): Promise<V | undefined> {
    let answer = this.gathering.get(key);
    if (!answer) {
      answer = this.queue.add(key);
      this.gathering.set(key, answer);
    }
    return answer;
  }
}

/**
 * Look-ups of rarely changing facts, kept `ttlMs`. A miss waits for one coalesced `load` (Batcher);
 * concurrent misses for one key share that load (lru-cache's fetch). Without the sharing, the 64
 * requests of a burst that all missed a cold entry sent 64 queries (a cache stampede) and held the
 * pool while their neighbours' sign-ins waited behind them. Keys `load` does not answer are not
 * kept (asked again next time).
 */
export class CachedLookup<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly cache: LRUCache<K, V>;

  constructor(load: (keys: K[]) => Promise<Map<K, V>>, opts: { ttlMs: number; max?: number }) {
    const batcher = new Batcher<K, V>(load);
    this.cache = new LRUCache<K, V>({ max: opts.max ?? 10_000, ttl: opts.ttlMs, fetchMethod: (key) => batcher.get(key) });
  }

  async get(key: K): Promise<V | undefined> {
    return this.cache.fetch(key);
  }

  /** The answers for these keys (keys without one are left out). */
  async many(keys: Iterable<K>): Promise<Map<K, V>> {
    const list = [...new Set(keys)];
    const values = await Promise.all(list.map((k) => this.cache.fetch(k)));
    const out = new Map<K, V>();
    list.forEach((k, i) => {
      const v = values[i];
      if (v !== undefined) out.set(k, v);
    });
    return out;
  }
}
