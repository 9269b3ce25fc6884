import type { BusEvent, EventBus, EventHandler } from './types.js';

/**
 * The default bus: delivers in this process, awaiting every subscriber of the topic. If any
 * subscriber fails, publish rejects after all have run, so the relay leaves the event unpublished
 * and delivers it again later; that is why subscribers must be idempotent (see idempotent.ts).
 */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private closed = false;

  subscribe(topic: string, handler: EventHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  async publish(event: BusEvent): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    const handlers = [...(this.handlers.get(event.topic) ?? [])];
    const results = await Promise.allSettled(handlers.map(async (h) => h(event)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((f) => f.reason as unknown),
        `${failures.length} subscriber(s) of ${event.topic} failed on ${event.type}`,
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
