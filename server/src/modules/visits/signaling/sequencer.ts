/**
 * Numbers one node's messages per visit: 1, 2, 3... Counters are kept for recently used visits
 * only, so a long-running node does not keep one for every visit it ever saw. An evicted visit
 * starts again at 1, which receivers read as a restart (gap-detector.ts), never as a silent
 * continuation.
 *
 * Two generations, not an exact least-recently-used order: a message only bumps a counter in
 * place, where re-inserting it into an ordered Map on every message (thousands a second) churned
 * the Map's table and kept each message's key string alive into the old generation. A visit keeps
 * its counter while fewer than `maxVisits / 2` other visits were first used since its last message.
 */
export class Sequencer {
  private current = new Map<string, { n: number }>();
  private previous = new Map<string, { n: number }>();
  private readonly generation: number;

  constructor(maxVisits = 100_000) {
    this.generation = Math.max(1, Math.floor(maxVisits / 2));
  }

  /** The number the next message of the visit will carry. */
  peek(visitKey: string): number {
    return ((this.current.get(visitKey) ?? this.previous.get(visitKey))?.n ?? 0) + 1;
  }

  /**
   * Takes the number `peek` gave, once the message is certain to be sent: a message refused before
   * sending (too large, not JSON) must not leave a hole that receivers would report as a loss.
   */
  commit(visitKey: string): number {
    let counter = this.current.get(visitKey);
    if (!counter) {
      counter = this.previous.get(visitKey) ?? { n: 0 };
      this.previous.delete(visitKey);
      if (this.current.size >= this.generation) {
        // The older generation goes: what was not used during a whole generation is forgotten.
        this.previous = this.current;
        this.current = new Map();
      }
      this.current.set(visitKey, counter);
    }
    return ++counter.n;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
