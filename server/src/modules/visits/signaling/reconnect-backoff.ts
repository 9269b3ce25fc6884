export interface BackoffOptions {
  /** Wait before the second attempt; each later attempt doubles it. */
  baseMs: number;
  /** Ceiling of the wait, so a node notices a recovered broker soon enough. */
  maxMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 5_000 };

/**
 * Exponential backoff with jitter for reconnecting to the broker. When a NATS server restarts,
 * every node of the cluster loses it at the same moment; a fixed wait would bring them all back in
 * one burst, and the jitter spreads them. The nats client asks for the wait several times while it
 * waits for one attempt, so the wait is drawn once per attempt and kept until the next one.
 */
export class ReconnectBackoff {
  private attempts = 0;
  private drawn: number | undefined;

  constructor(
    private readonly opts: BackoffOptions = DEFAULT_RECONNECT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** Wait before the next attempt: between half and all of min(max, base * 2^attempts). */
  delayMs(): number {
    if (this.drawn === undefined) {
      const ceiling = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(this.attempts, 30));
      this.drawn = ceiling / 2 + this.random() * (ceiling / 2);
    }
    return this.drawn;
  }

  /** An attempt started (the client reported `reconnecting`). */
  attempted(): void {
    this.attempts++;
    this.drawn = undefined;
  }

  /** Connected again: the next loss starts from the base wait. */
  reset(): void {
    this.attempts = 0;
    this.drawn = undefined;
  }

  get attemptCount(): number {
    return this.attempts;
  }
}
