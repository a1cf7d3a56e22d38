/** The one work runner (core/queue/runner.ts): pure, fake clock, no database. */
import { type Clock, RunnerStopped, WorkRunner } from '../../src/core/queue/runner';

class FakeClock implements Clock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  /** Move time forward, firing due timers in order (with microtasks settled in between). */
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = until;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WorkRunner', () => {
  it('bounds concurrency per lane and does not queue a key twice', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'main'>({ name: 't', lanes: { main: { priority: 0, concurrency: 2 } }, clock });
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(
        r.submit('main', i, async () => {
          running++;
          peak = Math.max(peak, running);
          await gates[i].promise;
          ran.push(i);
          running--;
        }),
      ).toBe(true);
    }
    expect(r.submit('main', 1, async () => undefined)).toBe(false);
    await settle();
    expect(running).toBe(2);
    gates.forEach((g) => g.resolve());
    await r.idle();
    expect(peak).toBe(2);
    expect(ran.sort()).toEqual([0, 1, 2]);
    expect(r.has(1)).toBe(false);
    expect(r.submit('main', 1, async () => undefined)).toBe(true);
    await r.idle();
  });

  it('runs every urgent item before a lower lane, and the lower lane waits for a quiet moment', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'welcome' | 'follow'>({
      name: 't',
      lanes: { welcome: { priority: 0, concurrency: 2 }, follow: { priority: 1, concurrency: 3, quietMs: 250 } },
      clock,
    });
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      r.submit('welcome', i, async () => {
        order.push(`w${i}`);
        return { lane: 'follow', task: async () => void order.push(`f${i}`) };
      });
    }
    await settle();
    expect(order).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    await clock.advance(200);
    expect(order).toHaveLength(5); // still inside the quiet period after the last submit
    r.submit('welcome', 9, async () => void order.push('w9'));
    await clock.advance(200);
    expect(order).toHaveLength(6);
    await clock.advance(100);
    expect(order.slice(6).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    await r.idle();
  });

  it('gives a starving lane one turn after N urgent batches', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'high' | 'low'>({
      name: 't',
      lanes: { high: { priority: 0, concurrency: 1 }, low: { priority: 1, concurrency: 4 } },
      starveAfterBatches: 3,
      clock,
    });
    const order: string[] = [];
    r.submit('high', 'h0', async () => void order.push('h0'));
    r.submit('low', 'l0', async () => void order.push('l0'));
    r.submit('low', 'l1', async () => void order.push('l1'));
    for (let i = 1; i < 8; i++) r.submit('high', `h${i}`, async () => void order.push(`h${i}`));
    await r.idle();
    // l0 gets its turn after three high batches, l1 after three more; the rest of the highs first
    expect(order.indexOf('l0')).toBeGreaterThan(order.indexOf('h2'));
    expect(order.indexOf('l0')).toBeLessThan(order.indexOf('h7'));
    expect(order.indexOf('l1')).toBeGreaterThan(order.indexOf('l0') + 2);
    expect(order.filter((x) => x.startsWith('h'))).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']);
  });

  it('gives a starving lane one turn after it waited starveAfterMs', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'high' | 'low'>({
      name: 't',
      lanes: { high: { priority: 0, concurrency: 1 }, low: { priority: 1, concurrency: 4 } },
      starveAfterMs: 10_000,
      clock,
    });
    const slow = deferred();
    const order: string[] = [];
    r.submit('high', 'h', () => slow.promise);
    r.submit('low', 'l0', async () => void order.push('l0'));
    r.submit('low', 'l1', async () => void order.push('l1'));
    await clock.advance(9_999);
    expect(order).toEqual([]);
    await clock.advance(1);
    expect(order).toEqual(['l0', 'l1']); // one slot at a time, the next as soon as it finished
    slow.resolve();
    await r.idle();
  });

  it('merges kicks into one pass, and a kick during a pass runs it once more', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'main'>({ name: 't', lanes: { main: { priority: 0, concurrency: 1 } }, clock });
    let passes = 0;
    const gate = deferred();
    const pass = async () => {
      passes++;
      if (passes === 1) await gate.promise;
      return passes;
    };
    for (let i = 0; i < 10; i++) r.kick('main', 'drain', pass);
    await settle();
    expect(passes).toBe(1);
    for (let i = 0; i < 10; i++) r.kick('main', 'drain', pass);
    const flushed = r.flush('main', 'drain', pass);
    gate.resolve();
    await r.idle();
    expect(passes).toBe(2);
    await expect(flushed).resolves.toBe(2); // the pass that started after the flush call
  });

  it('flush rejects with the pass error; kick reports it to onError', async () => {
    const errors: string[] = [];
    const r = new WorkRunner<'main'>({
      name: 't',
      lanes: { main: { priority: 0, concurrency: 1 } },
      clock: new FakeClock(),
      onError: (err, key) => errors.push(`${key}:${(err as Error).message}`),
    });
    await expect(r.flush('main', 'p', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    r.kick('main', 'p', async () => Promise.reject(new Error('bang')));
    await r.idle();
    expect(errors).toEqual(['p:bang']);
  });

  it('kickAfterLull waits for a pause in kicks, at most maxWaitMs', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'main'>({ name: 't', lanes: { main: { priority: 0, concurrency: 1 } }, clock });
    let passes = 0;
    const pass = async () => void passes++;
    const lull = { quietMs: 1_000, maxWaitMs: 30_000 };
    r.kickAfterLull('main', 'relay', pass, lull);
    await clock.advance(999);
    expect(passes).toBe(0);
    await clock.advance(1);
    expect(passes).toBe(1);
    // a steady stream of kicks: relayed at the max wait, not never
    for (let t = 0; t < 31_000; t += 500) {
      r.kickAfterLull('main', 'relay', pass, lull);
      await clock.advance(500);
    }
    expect(passes).toBe(2);
  });

  it('settled() waits for a key through its continuation', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'a' | 'b'>({ name: 't', lanes: { a: { priority: 0, concurrency: 1 }, b: { priority: 1, concurrency: 1 } }, clock });
    const done: string[] = [];
    r.submit('a', 7, async () => ({ lane: 'b', task: async () => void done.push('b7') }));
    await r.settled(7);
    expect(done).toEqual(['b7']);
  });

  it('stop() drops queued work, lets running work end and refuses new work until start()', async () => {
    const clock = new FakeClock();
    const r = new WorkRunner<'main'>({ name: 't', lanes: { main: { priority: 0, concurrency: 1 } }, clock });
    const gate = deferred();
    const ran: number[] = [];
    r.submit('main', 1, async () => {
      await gate.promise;
      ran.push(1);
    });
    r.submit('main', 2, async () => void ran.push(2));
    const waiting = r.flush('main', 'drain', async () => 1);
    const stopping = r.stop();
    await expect(waiting).rejects.toBeInstanceOf(RunnerStopped);
    expect(r.submit('main', 3, async () => void ran.push(3))).toBe(false);
    gate.resolve();
    await stopping;
    expect(ran).toEqual([1]);
    r.start();
    expect(r.submit('main', 3, async () => void ran.push(3))).toBe(true);
    await r.idle();
    expect(ran).toEqual([1, 3]);
  });

  it('idle() waits for detached background work', async () => {
    const r = new WorkRunner<'main'>({ name: 't', lanes: { main: { priority: 0, concurrency: 1 } }, clock: new FakeClock() });
    const gate = deferred();
    let done = false;
    r.detach(async () => {
      await gate.promise;
      done = true;
    });
    const idle = r.idle();
    gate.resolve();
    await idle;
    expect(done).toBe(true);
  });
});
