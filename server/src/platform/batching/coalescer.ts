/** One item's outcome in a batch write: its value, or the error that is its alone. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Pending<T, R> {
  item: T;
  resolve: (v: R) => void;
  reject: (e: unknown) => void;
}

interface KeyQueue<T, R> {
  waiting: Pending<T, R>[];
  inFlight: number;
  /** A timer that writes what waits even if fewer than `minBatch` have gathered. */
  linger?: NodeJS.Timeout;
}

export interface CoalescerOptions {
  /** Batches in flight per key before further items wait and join a batch. */
  maxInFlight?: number;
  /** Most items in one batch. */
  maxBatch?: number;
  /**
   * While another batch of the key is in flight, a batch waits up to `lingerMs` for this many items
   * to gather before it starts: a commit (and its WAL flush) is shared by more items.
   */
  minBatch?: number;
  lingerMs?: number;
}

/**
 * Coalesces concurrent requests of one key (a tenant) into batches. While fewer than `maxInFlight`
 * batches run for a key, an item is written at once — no added latency when load is light; beyond
 * that, items queue and the next batch takes all that waited. `write` answers each item of a batch
 * on its own (its value or its own error) and rejects only when nothing of the batch could be
 * decided; then every item of it fails with that error.
 */
export class Coalescer<K, T, R> {
  private readonly queues = new Map<K, KeyQueue<T, R>>();
  private batches = 0;
  private items = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly minBatch: number;
  private readonly lingerMs: number;

  constructor(
    private readonly write: (key: K, items: T[]) => Promise<Settled<R>[]>,
    opts: CoalescerOptions = {},
  ) {
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.maxBatch = opts.maxBatch ?? 64;
    this.minBatch = opts.minBatch ?? 8;
    this.lingerMs = opts.lingerMs ?? 2;
  }

  /** Batches written and items in them so far (how much coalescing happened). */
  stats(): { batches: number; items: number } {
    return { batches: this.batches, items: this.items };
  }

  submit(key: K, item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) this.queues.set(key, (queue = { waiting: [], inFlight: 0 }));
      queue.waiting.push({ item, resolve, reject });
      this.pump(key, queue);
    });
  }

  private pump(key: K, queue: KeyQueue<T, R>, lingered = false): void {
    while (queue.inFlight < this.maxInFlight && queue.waiting.length > 0) {
      if (!lingered && queue.inFlight > 0 && queue.waiting.length < this.minBatch && this.lingerMs > 0) {
        queue.linger ??= setTimeout(() => {
          queue.linger = undefined;
          this.pump(key, queue, true);
        }, this.lingerMs);
        return;
      }
      if (queue.linger) {
        clearTimeout(queue.linger);
        queue.linger = undefined;
      }
      const batch = queue.waiting.splice(0, this.maxBatch);
      queue.inFlight++;
      void this.run(key, batch).finally(() => {
        queue.inFlight--;
        if (queue.waiting.length > 0) this.pump(key, queue);
        else if (queue.inFlight === 0 && !queue.linger) this.queues.delete(key);
      });
    }
  }

  private async run(key: K, batch: Pending<T, R>[]): Promise<void> {
    try {
      const settled = await this.write(
        key,
        batch.map((p) => p.item),
      );
      this.batches++;
      this.items += batch.length;
      batch.forEach((p, i) => {
        const s = settled[i];
        if (!s) p.reject(new Error('batch write gave no outcome'));
        else if (s.ok) p.resolve(s.value);
        else p.reject(s.error);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
