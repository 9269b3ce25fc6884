import type {
  SignalBus,
  SignalBusLogger,
  SignalMessage,
  VisitRef,
} from '../../src/modules/visits/signaling/index.js';

/**
 * Polls until the condition holds, a bounded number of times. Tests wait for what they expect to
 * happen rather than for a duration, and never assert on how long it took.
 */
export async function waitFor(what: string, condition: () => boolean, attempts = 400): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Subscribes and keeps every message it gets. */
export function collect(bus: SignalBus, visit: VisitRef): { messages: SignalMessage[]; stop: () => void } {
  const messages: SignalMessage[] = [];
  const stop = bus.subscribe(visit, (m) => {
    messages.push(m);
  });
  return { messages, stop };
}

/** A logger that keeps each line as JSON, for checking that no body or id reached the logs. */
export function collectingLogger(): SignalBusLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (obj: object, msg: string) => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}
