import WebSocket from 'ws';
import type { ClientMessage, ServerMessage } from '../../../src/modules/visits/live/protocol.js';

/** How long a test waits for a message before failing (bounded, never a hang). */
const WAIT_MS = 10_000;

/** A visit WebSocket as a test drives it: every message kept, awaited by predicate. */
export class VisitSocketClient {
  readonly received: ServerMessage[] = [];
  closeCode: number | null = null;
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(m)) return true;
        w.resolve(m);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  /** Opens `ws://host/api/visits/live` (does not say hello). */
  static async open(base: string): Promise<VisitSocketClient> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/visits/live`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new VisitSocketClient(ws);
  }

  /** Opens a socket and says hello with `ticket`; resolves with the welcome. */
  static async join(base: string, ticket: string, pc: 'new' | 'existing' = 'new') {
    const client = await VisitSocketClient.open(base);
    client.send({ t: 'hello', ticket, pc });
    const welcome = await client.next((m) => m.t === 'welcome');
    return { client, welcome: welcome as Extract<ServerMessage, { t: 'welcome' }> };
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The first message (already received or coming) that matches; fails after a bounded wait. */
  next<T extends ServerMessage['t']>(
    match: (m: ServerMessage) => boolean,
    what = 'a message',
    after = 0,
  ): Promise<Extract<ServerMessage, { t: T }>> {
    const seen = this.received.slice(after).find(match);
    if (seen) return Promise.resolve(seen as Extract<ServerMessage, { t: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ServerMessage, { t: T }>);
        },
      });
    });
  }

  /** The close code, once the server closed the socket (bounded wait). */
  async closedWith(): Promise<number> {
    return Promise.race([
      this.closed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('socket not closed')), WAIT_MS)),
    ]);
  }

  /** Messages of a type received so far. */
  all<T extends ServerMessage['t']>(t: T): Extract<ServerMessage, { t: T }>[] {
    return this.received.filter((m) => m.t === t) as Extract<ServerMessage, { t: T }>[];
  }

  close(): void {
    this.ws.close();
  }

  /** Drops the connection without a closing handshake (a network loss). */
  kill(): void {
    this.ws.terminate();
  }
}
