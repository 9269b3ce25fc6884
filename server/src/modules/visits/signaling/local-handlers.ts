import { safeError } from '../../../platform/observability/logger.js';
import type { SignalBusLogger, SignalHandler, SignalMessage } from './types.js';

/**
 * This node's handlers, by visit key. Both buses keep them here, so subscribing, unsubscribing and
 * calling handlers behave alike whatever carries the messages between nodes.
 */
export class LocalHandlers {
  private readonly byVisit = new Map<string, Set<SignalHandler>>();
  handlerErrors = 0;

  constructor(private readonly logger: SignalBusLogger) {}

  /** Adds a handler; `first` says the visit had none, so the transport must start listening. */
  add(key: string, handler: SignalHandler): { first: boolean; remove: () => { last: boolean } } {
    let set = this.byVisit.get(key);
    const first = set === undefined;
    if (!set) this.byVisit.set(key, (set = new Set()));
    // A wrapper per subscription: the same function subscribed twice is two subscriptions.
    const entry: SignalHandler = (m) => handler(m);
    set.add(entry);
    let removed = false;
    return {
      first,
      remove: () => {
        if (removed) return { last: false };
        removed = true;
        const current = this.byVisit.get(key);
        if (!current?.delete(entry)) return { last: false };
        if (current.size > 0) return { last: false };
        this.byVisit.delete(key);
        return { last: true };
      },
    };
  }

  /**
   * Calls the visit's current handlers in subscription order. A handler that throws or rejects is
   * counted and logged by error class only (its message could quote the body) and does not stop
   * the others.
   */
  dispatch(key: string, message: SignalMessage): void {
    const set = this.byVisit.get(key);
    if (!set) return;
    for (const handler of [...set]) {
      if (!set.has(handler)) continue; // unsubscribed by an earlier handler of this same message
      try {
        const result = handler(message);
        if (result instanceof Promise) result.catch((err: unknown) => this.failed(err));
      } catch (err) {
        this.failed(err);
      }
    }
  }

  get visits(): number {
    return this.byVisit.size;
  }

  clear(): void {
    this.byVisit.clear();
  }

  private failed(err: unknown): void {
    this.handlerErrors++;
    this.logger.warn({ err: safeError(err) }, 'signal handler failed');
  }
}
