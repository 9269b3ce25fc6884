/**
 * Numbers one node's messages per visit: 1, 2, 3... Counters are kept for the most recently used
 * visits only, so a long-running node does not keep one for every visit it ever saw. An evicted
 * visit starts again at 1, which receivers read as a restart (gap-detector.ts), never as a silent
 * continuation.
 */
export class Sequencer {
  private readonly counters = new Map<string, number>();

  constructor(private readonly maxVisits = 100_000) {}

  /** The number the next message of the visit will carry. */
  peek(visitKey: string): number {
    return (this.counters.get(visitKey) ?? 0) + 1;
  }

  /**
   * Takes the number `peek` gave, once the message is certain to be sent: a message refused before
   * sending (too large, not JSON) must not leave a hole that receivers would report as a loss.
   */
  commit(visitKey: string): number {
    const seq = this.peek(visitKey);
    // Delete and re-insert so the Map's insertion order is least-recently-used first.
    this.counters.delete(visitKey);
    this.counters.set(visitKey, seq);
    if (this.counters.size > this.maxVisits) {
      const oldest = this.counters.keys().next().value;
      if (oldest !== undefined) this.counters.delete(oldest);
    }
    return seq;
  }

  get size(): number {
    return this.counters.size;
  }
}
