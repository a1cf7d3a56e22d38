/**
 * The one in-process runner for background work (the WeCom inbox, the outbox, outbound WeCom calls,
 * the vote-event relay, class notices). Work is keyed; each key is queued or running at most once.
 *
 * - Lanes with priorities: a lane starts work only while every more urgent lane has nothing queued
 *   or running and has had no submit for the lane's `quietMs` (the inbox: every welcome of a burst
 *   before any follow-up).
 * - Bounded concurrency per lane.
 * - Starvation limit: a lane held back gets one slot after `starveAfterBatches` rounds in which more
 *   urgent lanes started work, or once its oldest item has waited `starveAfterMs`.
 * - `submit(lane, key, task)`: per-row work; a key already queued or running is not submitted twice.
 *   A task may return `{ lane, task }` to continue under the same key in another lane.
 * - `kick(lane, key, task)`: merged kicks for "drain everything due" passes: kicks while queued are
 *   one; a kick while it runs makes it run once more afterwards. `flush()` = kick and await a pass
 *   that started after the call. `kickAfterLull()` waits for a pause in kicks (with a maximum wait).
 * - `idle()` resolves when nothing is queued or running (background promises included); `stop()`
 *   drops what is queued (it is durable: rows stay due in their table), lets running work end
 *   (bounded wait) and refuses new work until `start()`.
 *
 * Never await `idle()`, `settled()` or `flush()` of the same runner inside one of its tasks: the
 * task's lane is busy while it waits, so less urgent lanes (and the task itself) never get their
 * turn. Callers outside (jobs, tests, app start and stop) may wait.
 *
 * Pure: no database, the clock is injected (tests drive it by hand).
 */

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface LaneOptions {
  /** Lower = more urgent. */
  priority: number;
  /** Tasks of this lane running at once. */
  concurrency: number;
  /** Start only once more urgent lanes have had no submit for this long (a burst is still arriving). */
  quietMs?: number;
}

export interface Continue<L extends string> {
  lane: L;
  task: Task<L>;
}
export type Task<L extends string> = () => Promise<Continue<L> | void>;

export interface RunnerOptions<L extends string> {
  name: string;
  lanes: Record<L, LaneOptions>;
  /** A held-back lane gets one slot after this many rounds in which more urgent lanes started work. */
  starveAfterBatches?: number;
  /** … or once its oldest item has waited this long. */
  starveAfterMs?: number;
  clock?: Clock;
  onError?(err: unknown, key: string): void;
}

interface Entry<L extends string> {
  key: string;
  lane: L;
  task: Task<L> | (() => Promise<unknown>);
  state: 'queued' | 'running';
  since: number;
  /** kick(): run once more after the current run. */
  merged: boolean;
  again: boolean;
  /** flush() callers waiting for this run / for the next one. */
  waiters: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }>;
  nextWaiters: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }>;
}

interface LaneState<L extends string> {
  name: L;
  opts: LaneOptions;
  queue: Array<Entry<L>>;
  active: number;
  lastSubmitAt: number;
  /** Rounds in which more urgent lanes started work while this lane waited. */
  passedOver: number;
}

export class RunnerStopped extends Error {
  constructor(name: string) {
    super(`${name}: stopped`);
  }
}

export class WorkRunner<L extends string = 'default'> {
  private readonly clock: Clock;
  private readonly lanes: Array<LaneState<L>>;
  private readonly byName = new Map<L, LaneState<L>>();
  private readonly entries = new Map<string, Entry<L>>();
  private readonly settledWaiters = new Map<string, Array<() => void>>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly background = new Set<Promise<unknown>>();
  private readonly lulls = new Map<string, { first: number; last: number; timer: unknown }>();
  private timer: { at: number; handle: unknown } | null = null;
  private stopped = false;

  constructor(private readonly opts: RunnerOptions<L>) {
    this.clock = opts.clock ?? systemClock;
    this.lanes = (Object.keys(opts.lanes) as L[])
      .map((name) => ({ name, opts: opts.lanes[name], queue: [], active: 0, lastSubmitAt: -Infinity, passedOver: 0 }))
      .sort((a, b) => a.opts.priority - b.opts.priority);
    for (const l of this.lanes) this.byName.set(l.name, l);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Queued or running under this key. */
  has(key: string | number): boolean {
    return this.entries.has(String(key));
  }

  /** Per-row work; false when the key is already queued or running (or the runner is stopped). */
  submit(lane: L, key: string | number, task: Task<L>): boolean {
    const k = String(key);
    if (this.stopped || this.entries.has(k)) return false;
    this.enqueue(this.newEntry(k, lane, task, false));
    this.pump();
    return true;
  }

  /** Merged kick of a "drain what is due" pass (see the header). */
  kick(lane: L, key: string, pass: () => Promise<unknown>): void {
    this.kickFor(lane, key, pass);
  }

  /** Kick and wait for a pass that started after this call; resolves with its result. */
  flush<T>(lane: L, key: string, pass: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.kickFor(lane, key, pass, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /**
   * Kick once kicks have paused for `quietMs`, but at the latest `maxWaitMs` after the first kick
   * waiting (work that is not urgent and would compete with a surge).
   */
  kickAfterLull(lane: L, key: string, pass: () => Promise<unknown>, o: { quietMs: number; maxWaitMs: number }): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const l = this.lulls.get(key);
    if (l) {
      l.last = now;
      return;
    }
    const lull = { first: now, last: now, timer: null as unknown };
    const arm = (ms: number) => {
      lull.timer = this.clock.setTimeout(() => {
        const t = this.clock.now();
        const quietFor = t - lull.last;
        const waited = t - lull.first;
        if (quietFor < o.quietMs && waited < o.maxWaitMs) return arm(Math.min(o.quietMs - quietFor, o.maxWaitMs - waited));
        this.lulls.delete(key);
        this.kick(lane, key, pass);
      }, ms);
    };
    this.lulls.set(key, lull);
    arm(o.quietMs);
  }

  /** Resolves once this key is neither queued nor running. */
  settled(key: string | number): Promise<void> {
    const k = String(key);
    if (!this.entries.has(k)) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.set(k, [...(this.settledWaiters.get(k) ?? []), resolve]));
  }

  /** Fire-and-forget work that idle() waits for (e.g. started from an after-commit hook). */
  detach(fn: () => Promise<unknown>): void {
    const p = fn()
      .catch((err) => this.opts.onError?.(err, 'background'))
      .finally(() => {
        this.background.delete(p);
        this.pump();
      });
    this.background.add(p);
  }

  /** Resolves once the background work started so far has ended (not the queued or running keys). */
  async detachedSettled(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  /** Nothing queued or running, no background work. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.entries.size) await new Promise<void>((r) => this.idleWaiters.push(r));
      else if (this.background.size) await Promise.allSettled([...this.background]);
      else return;
    }
  }

  /** Start nothing new; queued work is dropped (durable rows stay due); waits up to `graceMs` for running work. */
  async stop(graceMs = 3_000): Promise<void> {
    this.stopped = true;
    for (const l of this.lulls.values()) this.clock.clearTimeout(l.timer);
    this.lulls.clear();
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    this.pump();
    let handle: unknown;
    await Promise.race([this.idle(), new Promise<void>((r) => (handle = this.clock.setTimeout(r, graceMs)))]);
    this.clock.clearTimeout(handle);
  }

  /** Accept work again after stop(). */
  start(): void {
    this.stopped = false;
  }

  private newEntry(key: string, lane: L, task: Entry<L>['task'], merged: boolean): Entry<L> {
    if (!this.byName.has(lane)) throw new Error(`${this.opts.name}: unknown lane ${lane}`);
    return { key, lane, task, state: 'queued', since: this.clock.now(), merged, again: false, waiters: [], nextWaiters: [] };
  }

  private kickFor(lane: L, key: string, pass: () => Promise<unknown>, waiter?: Entry<L>['waiters'][number]): void {
    if (this.stopped) {
      waiter?.reject(new RunnerStopped(this.opts.name));
      return;
    }
    const e = this.entries.get(key);
    if (e?.state === 'queued') {
      e.task = pass;
      if (waiter) e.waiters.push(waiter);
    } else if (e) {
      e.again = true;
      e.task = pass;
      if (waiter) e.nextWaiters.push(waiter);
    } else {
      const entry = this.newEntry(key, lane, pass, true);
      if (waiter) entry.waiters.push(waiter);
      this.enqueue(entry);
    }
    this.pump();
  }

  private enqueue(e: Entry<L>): void {
    const lane = this.byName.get(e.lane)!;
    e.state = 'queued';
    e.since = this.clock.now();
    lane.queue.push(e);
    lane.lastSubmitAt = e.since;
    this.entries.set(e.key, e);
  }

  private pump(): void {
    if (this.stopped) {
      for (const lane of this.lanes) for (const e of lane.queue.splice(0)) this.drop(e);
      this.checkIdle();
      return;
    }
    const now = this.clock.now();
    let wakeAt = Infinity;
    let urgentStarted = false;
    let urgentBusy = false;
    let urgentLastSubmit = -Infinity;
    for (const lane of this.lanes) {
      const quietUntil = urgentLastSubmit + (lane.opts.quietMs ?? 0);
      const heldBack = urgentBusy || now < quietUntil;
      let limit = lane.opts.concurrency;
      if (heldBack && lane.queue.length) {
        if (urgentStarted) lane.passedOver++;
        const waitedMs = now - lane.queue[0].since;
        const starving =
          (this.opts.starveAfterBatches !== undefined && lane.passedOver >= this.opts.starveAfterBatches) ||
          (this.opts.starveAfterMs !== undefined && waitedMs >= this.opts.starveAfterMs);
        limit = starving ? 1 : 0;
        if (!urgentBusy) wakeAt = Math.min(wakeAt, quietUntil);
        if (this.opts.starveAfterMs !== undefined && !starving) wakeAt = Math.min(wakeAt, lane.queue[0].since + this.opts.starveAfterMs);
      }
      let started = 0;
      while (lane.active < limit && lane.queue.length) {
        this.begin(lane, lane.queue.shift()!);
        started++;
      }
      if (started) lane.passedOver = 0;
      if (!lane.queue.length) lane.passedOver = 0;
      urgentStarted ||= started > 0;
      urgentBusy ||= lane.active > 0 || lane.queue.length > 0;
      urgentLastSubmit = Math.max(urgentLastSubmit, lane.lastSubmitAt);
    }
    this.armTimer(wakeAt, now);
    this.checkIdle();
  }

  private armTimer(at: number, now: number): void {
    if (at === Infinity) return;
    if (this.timer && this.timer.at <= at) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    const handle = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(1, at - now),
    );
    this.timer = { at, handle };
  }

  private begin(lane: LaneState<L>, e: Entry<L>): void {
    lane.active++;
    e.state = 'running';
    const waiters = e.waiters.splice(0);
    let run: Promise<unknown>;
    try {
      run = Promise.resolve(e.task());
    } catch (err) {
      run = Promise.reject(err);
    }
    run
      .then(
        (result) => {
          if (e.merged) {
            waiters.forEach((w) => w.resolve(result));
            return;
          }
          const next = result as Continue<L> | undefined;
          if (next && typeof next === 'object' && 'task' in next && !this.stopped) {
            lane.active--;
            e.task = next.task;
            e.lane = next.lane;
            this.byName.get(next.lane)!.queue.push(e);
            e.state = 'queued';
            e.since = this.clock.now();
            return 'continued';
          }
        },
        (err) => {
          waiters.forEach((w) => w.reject(err));
          if (!waiters.length) this.opts.onError?.(err, e.key);
        },
      )
      .then((outcome) => {
        if (outcome === 'continued') return;
        lane.active--;
        if (e.again && !this.stopped) {
          e.again = false;
          e.waiters = e.nextWaiters.splice(0);
          this.byName.get(e.lane)!.queue.push(e);
          e.state = 'queued';
          e.since = this.clock.now();
          return;
        }
        this.settle(e);
      })
      .finally(() => this.pump());
  }

  private drop(e: Entry<L>): void {
    const err = new RunnerStopped(this.opts.name);
    [...e.waiters.splice(0), ...e.nextWaiters.splice(0)].forEach((w) => w.reject(err));
    this.settle(e);
  }

  private settle(e: Entry<L>): void {
    if (this.entries.get(e.key) !== e) return;
    this.entries.delete(e.key);
    e.nextWaiters.splice(0).forEach((w) => w.reject(new RunnerStopped(this.opts.name)));
    const waiters = this.settledWaiters.get(e.key);
    if (waiters) {
      this.settledWaiters.delete(e.key);
      waiters.forEach((r) => r());
    }
  }

  private checkIdle(): void {
    if (!this.entries.size) this.idleWaiters.splice(0).forEach((r) => r());
  }
}
