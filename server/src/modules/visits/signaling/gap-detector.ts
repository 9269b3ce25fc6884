import type { SignalMessage } from './types.js';

export type SequenceCheck =
  { kind: 'first' } | { kind: 'in-order' } | { kind: 'gap'; missed: number } | { kind: 'restart' };

/**
 * Receiver-side check of one visit's messages, per origin node. Core NATS delivers at most once,
 * so a message published while a node was reconnecting can be lost: a gap tells the signaling
 * layer to resynchronise (e.g. ask for an ICE restart) instead of waiting for an answer that will
 * never come. A sequence that goes back means the origin started counting again (a restarted node
 * or an evicted counter); that resets the expectation.
 */
export class SequenceTracker {
  private readonly last = new Map<string, number>();

  observe(message: Pick<SignalMessage, 'origin' | 'seq'>): SequenceCheck {
    const previous = this.last.get(message.origin);
    this.last.set(message.origin, message.seq);
    if (previous === undefined) return { kind: 'first' };
    if (message.seq === previous + 1) return { kind: 'in-order' };
    if (message.seq > previous + 1) return { kind: 'gap', missed: message.seq - previous - 1 };
    return { kind: 'restart' };
  }

  /** A node that left (its participants reconnected elsewhere) need not be remembered. */
  forget(origin: string): void {
    this.last.delete(origin);
  }
}
