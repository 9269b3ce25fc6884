import type { BusEvent, EventHandler } from './types.js';

/**
 * Delivery is at least once: an event is published again when a relay crashes between publishing
 * and marking it, or when any subscriber of its batch fails. Subscribers therefore act once per
 * `eventId`. A subscriber whose effect is in PostgreSQL should record the event id in its own
 * table in the same transaction as the effect (a unique key makes the repeat a no-op). For effects
 * outside the database, or in-memory state, wrap the handler with `oncePerEvent`.
 */
export function oncePerEvent(handler: EventHandler, capacity = 10_000): EventHandler {
  // Insertion-ordered set as a bounded memory of recent ids; redeliveries come soon after the first.
  const seen = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  return async (event: BusEvent) => {
    if (seen.has(event.eventId)) return;
    const running = inFlight.get(event.eventId);
    if (running) return running;
    const done = (async () => {
      await handler(event);
      seen.add(event.eventId);
      if (seen.size > capacity) {
        const oldest = seen.values().next();
        if (!oldest.done) seen.delete(oldest.value);
      }
    })().finally(() => inFlight.delete(event.eventId));
    inFlight.set(event.eventId, done);
    return done;
  };
}
