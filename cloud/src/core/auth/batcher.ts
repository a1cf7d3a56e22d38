/**
 * Coalesces look-ups asked for during one event-loop turn into one query (DataLoader-style): under
 * load many requests need a row by key at the same moment, and one `WHERE key IN (…)` costs about
 * what a single-row query does. Alone, a look-up waits only until the end of the current turn.
 */
export class Batcher<K, V> {
  private pending: Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>> | null = null;

  constructor(
    private readonly load: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 200,
  ) {}

  get(key: K): Promise<V | undefined> {
    if (!this.pending) {
      this.pending = new Map();
      setImmediate(() => this.flush());
    }
    const batch = this.pending;
    return new Promise((resolve, reject) => {
      const waiters = batch.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
      if (batch.size >= this.maxBatch && this.pending === batch) this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (!batch || !batch.size) return;
    this.pending = null;
    this.load([...batch.keys()]).then(
      (found) => {
        for (const [k, waiters] of batch) for (const w of waiters) w.resolve(found.get(k));
      },
      (err) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      },
    );
  }
}
