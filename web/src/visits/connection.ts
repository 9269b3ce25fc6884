import {
  CLOSE,
  type ClientMessage,
  type ServerMessage,
} from '../../../server/src/modules/visits/live/protocol.js';

/**
 * The visit socket (`/api/visits/live`, protocol in server/src/modules/visits/live/protocol.ts):
 * `hello` with a ticket, then JSON messages both ways. A drop is resumed on a new socket with the
 * `resume` token of the last `welcome`, after a backoff with full jitter, so a clinic's worth of
 * browsers losing the same Wi-Fi do not all come back in the same instant. The visit being over,
 * a refused ticket and a newer tab of the same participant end it for good.
 */

export type ConnectionState =
  /** Opening the first socket. */
  | 'connecting'
  /** Said hello and was welcomed. */
  | 'open'
  /** Dropped: waiting to try again, or trying. */
  | 'reconnecting'
  /** The visit is over (4410): go to what follows it. */
  | 'over'
  /** The server refused the ticket or the caller (4401, 4403). */
  | 'refused'
  /** The same participant connected from another tab or device (4409). */
  | 'replaced'
  /** Closed by this side. */
  | 'closed';

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 10_000;
/** A ping this often; a socket silent for PING_TIMEOUT_MS is taken for dead (a silent network drop). */
export const PING_EVERY_MS = 10_000;
export const PING_TIMEOUT_MS = 25_000;

/** The wait before reconnect attempt `attempt` (0, 1, …): "full jitter", uniform in [0, min(cap, base·2^n)). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Whether a close code means "do not come back" (and what state that leaves). */
export function finalState(code: number): ConnectionState | null {
  switch (code) {
    case CLOSE.visitOver:
      return 'over';
    case CLOSE.unauthenticated:
    case CLOSE.forbidden:
      return 'refused';
    case CLOSE.replaced:
      return 'replaced';
    default:
      return null;
  }
}

/** The part of the browser's WebSocket the connection uses (tests pass a fake). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface ConnectionOptions {
  url: string;
  /** The first ticket (`join` or `queue`). */
  ticket: string;
  /**
   * A new ticket when a resume is refused as expired (a long drop): a fresh `POST …/join`. Without
   * it such a refusal is final.
   */
  renewTicket?: () => Promise<string>;
  /** Whether this side still has its RTCPeerConnection, said in each hello. */
  pcState?: () => 'new' | 'existing';
  onMessage(message: ServerMessage): void;
  onState(state: ConnectionState, info: { reconnects: number; code?: number }): void;
  /** Test seams. */
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
}

const OPEN = 1;

export class VisitConnection {
  private ws: SocketLike | null = null;
  private resume: string | null = null;
  private attempt = 0;
  private reconnects = 0;
  private state: ConnectionState = 'connecting';
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private pingId = 0;
  private renewing = false;
  private welcomed = false;
  private readonly onOnline = () => {
    // The network is back: try now rather than at the end of the backoff.
    if (this.state === 'reconnecting' && this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.open();
    }
  };

  constructor(private readonly opts: ConnectionOptions) {
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    this.open();
  }

  get current(): ConnectionState {
    return this.state;
  }

  /** Sends a message when the socket is open; false when it is not (the caller may retry later). */
  send(message: ClientMessage): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN || !this.welcomed) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  /** Closes for good (the page is left, the visit ended here). */
  close(): void {
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    this.stopTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      ws.close(1000, 'left');
    }
    this.setState('closed');
  }

  /** Drops the socket as if the network had (a socket that went silent); it comes back by itself. */
  drop(): void {
    const ws = this.ws;
    if (!ws) return;
    this.detach(ws);
    this.dropped(1006);
  }

  private setState(state: ConnectionState, code?: number): void {
    this.state = state;
    this.opts.onState(state, { reconnects: this.reconnects, ...(code !== undefined ? { code } : {}) });
  }

  private open(): void {
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let ws: SocketLike;
    try {
      ws = create(this.opts.url);
    } catch {
      this.dropped(1006);
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      ws.send(
        JSON.stringify({
          t: 'hello',
          ticket: this.resume ?? this.opts.ticket,
          pc: this.opts.pcState?.() ?? 'new',
        } satisfies ClientMessage),
      );
      this.startPings(ws);
    };
    ws.onmessage = (ev) => {
      this.lastHeard = Date.now();
      if (typeof ev.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      if (message.t === 'welcome') {
        this.resume = message.resume;
        this.attempt = 0;
        this.welcomed = true;
        this.setState('open');
      }
      if (message.t === 'pong') return;
      this.opts.onMessage(message);
    };
    ws.onerror = () => undefined;
    ws.onclose = (ev) => {
      this.detach(ws);
      this.dropped(ev.code);
    };
  }

  private detach(ws: SocketLike): void {
    ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
    if (ws.readyState === OPEN || ws.readyState === 0) {
      try {
        ws.close(4000, 'dropped');
      } catch {
        // Already closing.
      }
    }
    if (this.ws === ws) this.ws = null;
    this.stopTimers();
  }

  private dropped(code: number): void {
    if (this.state === 'closed') return;
    const final = finalState(code);
    // An expired resume token after a long drop: a fresh ticket, once, before giving up.
    if (final === 'refused' && code === CLOSE.unauthenticated && this.opts.renewTicket && !this.renewing) {
      this.renewing = true;
      this.setState('reconnecting', code);
      this.opts
        .renewTicket()
        .then((ticket) => {
          if (this.state === 'closed') return;
          this.opts.ticket = ticket;
          this.resume = null;
          this.open();
        })
        .catch(() => this.setState('refused', code))
        .finally(() => {
          // A fresh ticket refused too is final; a later drop may renew again.
          setTimeout(() => (this.renewing = false), BACKOFF_CAP_MS);
        });
      return;
    }
    if (final) {
      this.stopTimers();
      if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
      this.setState(final, code);
      return;
    }
    this.reconnects += 1;
    this.setState('reconnecting', code);
    const delay = backoffDelay(this.attempt++, this.opts.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private startPings(ws: SocketLike): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.ws !== ws) return;
      if (Date.now() - this.lastHeard > PING_TIMEOUT_MS) {
        this.drop();
        return;
      }
      if (ws.readyState === OPEN) ws.send(JSON.stringify({ t: 'ping', id: ++this.pingId }));
    }, PING_EVERY_MS);
  }

  private stopTimers(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
