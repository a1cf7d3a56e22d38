/** The one batcher (core/queue/batcher.ts): pure, no database. */
import { BatchQueue, Batcher, CachedLookup } from '../../src/core/queue/batcher';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('Batcher (look-ups by key)', () => {
  it('answers the look-ups of one event-loop turn with one load, each key once', async () => {
    const loads: number[][] = [];
    const b = new Batcher<number, string>(async (keys) => {
      loads.push(keys);
      return new Map(keys.filter((k) => k !== 3).map((k) => [k, `v${k}`]));
    });
    const answers = await Promise.all([b.get(1), b.get(2), b.get(1), b.get(3)]);
    expect(answers).toEqual(['v1', 'v2', 'v1', undefined]);
    expect(loads).toEqual([[1, 2, 3]]);
    expect(await b.get(1)).toBe('v1'); // nothing cached across turns
    expect(loads).toHaveLength(2);
  });

  it('starts a load at once when maxBatch distinct keys wait; a failed load rejects its waiters', async () => {
    const loads: number[][] = [];
    const b = new Batcher<number, number>(async (keys) => {
      loads.push(keys);
      if (keys.includes(99)) throw new Error('down');
      return new Map(keys.map((k) => [k, k * 2]));
    }, 3);
    const first = [b.get(1), b.get(1), b.get(2), b.get(3)];
    expect(loads).toEqual([[1, 2, 3]]); // before the end of the turn
    expect(await Promise.all(first)).toEqual([2, 2, 4, 6]);
    await expect(b.get(99)).rejects.toThrow('down');
  });

  it('one load at a time: keys asked for while a load is out gather into the next one', async () => {
    const loads: number[][] = [];
    let release!: () => void;
    const b = new Batcher<number, number>(async (keys) => {
      loads.push(keys);
      if (loads.length === 1) await new Promise<void>((r) => (release = r));
      return new Map(keys.map((k) => [k, k + 100]));
    });
    const first = b.get(1);
    await turn(); // the first load is out
    const later = [b.get(2)];
    await turn();
    later.push(b.get(3), b.get(1)); // later turns, same load still out: they wait together
    await turn();
    expect(loads).toEqual([[1]]);
    release();
    expect(await first).toBe(101);
    expect(await Promise.all(later)).toEqual([102, 103, 101]);
    expect(loads).toEqual([[1], [2, 3, 1]]); // 1 again: the first answer is not reused for a later ask
  });

  it('serial: false keeps one load per turn even while another is out', async () => {
    const loads: number[][] = [];
    let release!: () => void;
    const b = new Batcher<number, number>(
      async (keys) => {
        loads.push(keys);
        if (loads.length === 1) await new Promise<void>((r) => (release = r));
        return new Map(keys.map((k) => [k, k]));
      },
      200,
      { serial: false },
    );
    const first = b.get(1);
    await turn();
    const second = b.get(2);
    await turn();
    expect(loads).toEqual([[1], [2]]);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
  });
});

describe('BatchQueue', () => {
  it('serial: one run at a time; items that arrive meanwhile run right after it, in order', async () => {
    const runs: number[][] = [];
    let release!: () => void;
    const q = new BatchQueue<number, number>(
      async (items) => {
        runs.push(items);
        if (runs.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((i) => i + 100);
      },
      { serial: true, maxBatch: 2 },
    );
    const a = [q.add(1), q.add(2)]; // full: runs at once
    const b = [q.add(3), q.add(4), q.add(5)];
    await turn();
    expect(runs).toEqual([[1, 2]]);
    release();
    expect(await Promise.all([...a, ...b])).toEqual([101, 102, 103, 104, 105]);
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('write-behind: gathers delayMs, keeps a failed run for a retry, flush() waits for what was added and reports a failure', async () => {
    let failNext = 1;
    const written: string[] = [];
    const q = new BatchQueue<string>(
      async (items) => {
        if (failNext-- > 0) throw new Error('busy');
        written.push(...items);
        return [];
      },
      { delayMs: 20, serial: true, retryAfterMs: 30, maxKept: 10 },
    );
    q.push('a');
    q.push('b');
    expect(q.some((x) => x === 'a')).toBe(true);
    await expect(q.flush()).rejects.toThrow('busy');
    expect(q.some((x) => x === 'b')).toBe(true); // kept for the retry
    q.push('c');
    await q.flush();
    expect(written).toEqual(['a', 'b', 'c']);
    expect(q.some(() => true)).toBe(false);
    await q.flush(); // nothing waiting
  });

  it('stop(): no run starts on its own any more (gathering timer, retry); flush() still runs what waits', async () => {
    const runs: number[][] = [];
    let failNext = 1;
    const q = new BatchQueue<number>(
      async (items) => {
        runs.push(items);
        if (failNext-- > 0) throw new Error('down');
        return [];
      },
      { delayMs: 10, serial: true, retryAfterMs: 10, maxBatch: Infinity, maxKept: Infinity },
    );
    q.push(1);
    q.push(1);
    await expect(q.flush()).rejects.toThrow('down'); // kept; its retry is scheduled
    q.stop();
    q.push(2);
    await new Promise((r) => setTimeout(r, 60)); // several delays and retry intervals
    expect(runs).toEqual([[1, 1]]);
    await q.flush();
    expect(runs).toEqual([
      [1, 1],
      [1, 1, 2],
    ]);
  });
});

describe('CachedLookup (rarely changing facts)', () => {
  it('a burst of misses costs one load, however many requests ask for the same cold key; answers are kept', async () => {
    const loads: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = new CachedLookup<number, string>(
      async (keys) => {
        loads.push(keys);
        await gate;
        return new Map(keys.filter((k) => k !== 9).map((k) => [k, `n${k}`]));
      },
      { ttlMs: 60_000 },
    );
    // 64 requests of a burst: the first load is out while the others arrive over several turns
    const asked: Array<Promise<Map<number, string>>> = [];
    for (let i = 0; i < 64; i++) {
      asked.push(c.many([1, 2]));
      if (i % 8 === 0) await turn();
    }
    release();
    const answers = await Promise.all(asked);
    expect(answers.every((a) => a.get(1) === 'n1' && a.get(2) === 'n2')).toBe(true);
    expect(loads).toEqual([[1, 2]]);
    // kept: no load for a known key; a new key (and one the load does not answer) loads alone
    expect(await c.get(1)).toBe('n1');
    expect([...(await c.many([2, 3, 9]))]).toEqual([
      [2, 'n2'],
      [3, 'n3'],
    ]);
    expect(loads).toEqual([
      [1, 2],
      [3, 9],
    ]);
    // an unanswered key is not kept: asked again, it loads again
    expect(await c.get(9)).toBeUndefined();
    expect(loads).toEqual([[1, 2], [3, 9], [9]]);
  });

  it('loads again once an answer is older than ttlMs', async () => {
    let version = 0;
    const c = new CachedLookup<string, number>(async (keys) => new Map(keys.map((k) => [k, version])), { ttlMs: 20 });
    expect(await c.get('a')).toBe(0);
    version = 1;
    await new Promise((r) => setTimeout(r, 60));
    expect(await c.get('a')).toBe(1);
  });

  it('a failed load fails its askers and keeps nothing', async () => {
    let fail = true;
    const c = new CachedLookup<number, number>(
      async (keys) => {
        if (fail) throw new Error('down');
        return new Map(keys.map((k) => [k, k]));
      },
      { ttlMs: 60_000 },
    );
    await expect(c.get(1)).rejects.toThrow('down');
    fail = false;
    expect(await c.get(1)).toBe(1);
  });
});
