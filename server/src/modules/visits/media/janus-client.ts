import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/**
 * A small client of the Janus WebSocket API (`janus-protocol`): sessions, plugin handles,
 * transactions and events, and nothing else. The provider needs only this much, and the npm client
 * janode cannot be loaded without compiling a native addon at install time (decision 0022).
 *
 * Internal to the media module: nothing here is exported from its index.
 */

/** An SDP as Janus carries it. */
export interface JanusJsep {
  type: string;
  sdp: string;
}

export type PluginData = Record<string, unknown>;

/** A message from Janus; only the fields this client reads. */
interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code?: number; reason?: string };
  plugindata?: { plugin?: string; data?: PluginData };
  jsep?: JanusJsep;
  reason?: string;
}

/** What a handle hears from Janus outside a transaction. */
export type HandleEvent =
  | { kind: 'plugin'; data: PluginData; jsep?: JanusJsep }
  /** The PeerConnection is up (ICE and DTLS done). */
  | { kind: 'webrtcup' }
  /** The PeerConnection went down. */
  | { kind: 'hangup'; reason: string }
  /** Janus detached the handle. */
  | { kind: 'detached' };

/** Janus refused a request: its numeric code and reason, and whether the plugin (not the core) refused. */
export class JanusError extends Error {
  override readonly name = 'JanusError';
  constructor(
    readonly code: number,
    reason: string,
    readonly plugin = false,
  ) {
    super(`Janus error ${code}: ${reason}`);
  }
}

/** The connection closed, timed out or could not be made. */
export class JanusConnectionError extends Error {
  override readonly name = 'JanusConnectionError';
}

/** The request got no answer within the timeout. */
export class JanusTimeoutError extends Error {
  override readonly name = 'JanusTimeoutError';
}

/** Core error codes this client tells apart. */
export const JANUS_UNAUTHORIZED = 403;
export const JANUS_SESSION_NOT_FOUND = 458;
export const JANUS_HANDLE_NOT_FOUND = 459;
/** The handle's PeerConnection is still being torn down. */
export const JANUS_WEBRTC_STATE = 471;

export interface JanusClientOptions {
  /** `ws://` or `wss://` URL of the Janus WebSocket transport. */
  url: string;
  /** Janus's `api_secret`, sent with every request when set. */
  apiSecret?: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Keepalive period of each session: well under Janus's `session_timeout` (60 s by default). */
  keepaliveMs: number;
}

/** How a transaction ends: on `ack` (trickle, keepalive), or on the first reply that is not one. */
type Until = 'ack' | 'reply';

interface Pending {
  until: Until;
  resolve(message: JanusMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One WebSocket to Janus carrying many sessions. Once closed (by `close()` or because the socket
 * dropped) it stays closed: pending requests reject, and `onClose` listeners run once.
 */
export class JanusConnection {
  private readonly pending = new Map<string, Pending>();
  private readonly sessions = new Map<number, JanusSession>();
  private readonly closeListeners = new Set<(why: string) => void>();
  private closedWhy: string | undefined;

  private constructor(
    private readonly ws: WebSocket,
    readonly opts: JanusClientOptions,
  ) {
    ws.on('message', (raw) => this.receive(raw));
    ws.on('close', () => this.closed('the connection to Janus closed'));
    ws.on('error', () => this.closed('the connection to Janus failed'));
  }

  /** Opens the WebSocket, bounded by `connectTimeoutMs`. The error never carries the URL. */
  static open(opts: JanusClientOptions): Promise<JanusConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(opts.url, 'janus-protocol', {
        handshakeTimeout: opts.connectTimeoutMs,
        maxPayload: 4 * 1024 * 1024,
      });
      const fail = (why: string) => {
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(new JanusConnectionError(why));
      };
      const timer = setTimeout(
        () => fail('Janus did not accept the connection in time'),
        opts.connectTimeoutMs,
      );
      ws.once('error', (err: NodeJS.ErrnoException) =>
        fail(`could not connect to Janus${err.code ? ` (${err.code})` : ''}`),
      );
      ws.once('unexpected-response', (_req, res) =>
        fail(`Janus refused the WebSocket (HTTP ${res.statusCode ?? 'error'})`),
      );
      ws.once('open', () => {
        clearTimeout(timer);
        ws.removeAllListeners();
        if (ws.protocol !== 'janus-protocol') {
          ws.on('error', () => {});
          ws.terminate();
          reject(new JanusConnectionError('the server did not speak the Janus WebSocket protocol'));
          return;
        }
        resolve(new JanusConnection(ws, opts));
      });
    });
  }

  get isOpen(): boolean {
    return this.closedWhy === undefined;
  }

  /** Called once when the connection ends (not when `close()` ends it). */
  onClose(listener: (why: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** A new Janus session, kept alive until destroyed or the connection ends. */
  async createSession(): Promise<JanusSession> {
    const reply = await this.request({ janus: 'create' }, 'reply');
    const id = reply.data?.id;
    if (reply.janus !== 'success' || typeof id !== 'number') throw unexpected(reply);
    const session = new JanusSession(this, id);
    this.sessions.set(id, session);
    return session;
  }

  /** Sends a request and resolves with the message that ends its transaction. */
  request(body: Record<string, unknown>, until: Until): Promise<JanusMessage> {
    if (this.closedWhy !== undefined) return Promise.reject(new JanusConnectionError(this.closedWhy));
    const transaction = randomUUID();
    const message = {
      ...body,
      transaction,
      ...(this.opts.apiSecret !== undefined ? { apisecret: this.opts.apiSecret } : {}),
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusTimeoutError(`Janus did not answer a ${String(body.janus)} request in time`));
      }, this.opts.requestTimeoutMs);
      this.pending.set(transaction, { until, resolve, reject, timer });
      this.ws.send(JSON.stringify(message), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(transaction);
        reject(new JanusConnectionError('could not send to Janus'));
      });
    });
  }

  forget(session: JanusSession): void {
    this.sessions.delete(session.id);
  }

  /** Closes the socket; pending requests reject and sessions end, without `onClose` listeners. */
  close(): void {
    this.closeListeners.clear();
    this.closed('the connection to Janus was closed');
    this.ws.terminate();
  }

  private receive(raw: WebSocket.RawData): void {
    let message: JanusMessage;
    try {
      const parsed: unknown = JSON.parse(raw.toString());
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as JanusMessage).janus !== 'string')
        return;
      message = parsed as JanusMessage;
    } catch {
      return;
    }
    const pending = message.transaction ? this.pending.get(message.transaction) : undefined;
    if (pending && (message.janus !== 'ack' || pending.until === 'ack')) {
      this.pending.delete(message.transaction as string);
      clearTimeout(pending.timer);
      if (message.janus === 'error')
        pending.reject(new JanusError(message.error?.code ?? 0, message.error?.reason ?? 'unknown error'));
      else pending.resolve(message);
      return;
    }
    if (pending || message.janus === 'ack') return;
    if (typeof message.session_id === 'number') this.sessions.get(message.session_id)?.receive(message);
  }

  private closed(why: string): void {
    if (this.closedWhy !== undefined) return;
    this.closedWhy = why;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new JanusConnectionError(why));
      this.pending.delete(id);
    }
    for (const session of [...this.sessions.values()]) session.ended(why);
    this.sessions.clear();
    for (const listener of [...this.closeListeners]) listener(why);
    this.closeListeners.clear();
  }
}

/** A Janus session: a keepalive timer and the plugin handles attached in it. */
export class JanusSession {
  private readonly handles = new Map<number, JanusHandle>();
  private readonly keepalive: NodeJS.Timeout;
  private endListener: ((why: string) => void) | undefined;
  private done = false;

  constructor(
    private readonly conn: JanusConnection,
    readonly id: number,
  ) {
    this.keepalive = setInterval(() => {
      this.conn.request({ janus: 'keepalive', session_id: this.id }, 'ack').catch((err: unknown) => {
        // Janus no longer knows the session (it timed out): nothing will reach it again.
        if (err instanceof JanusError && err.code === JANUS_SESSION_NOT_FOUND) this.ended('session lost');
      });
    }, conn.opts.keepaliveMs);
    this.keepalive.unref();
  }

  get isOpen(): boolean {
    return !this.done;
  }

  /** Called once if the session ends other than by `destroy()`: Janus dropped it, or the connection ended. */
  onEnd(listener: (why: string) => void): void {
    this.endListener = listener;
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const reply = await this.conn.request({ janus: 'attach', session_id: this.id, plugin }, 'reply');
    const id = reply.data?.id;
    if (reply.janus !== 'success' || typeof id !== 'number') throw unexpected(reply);
    const handle = new JanusHandle(this.conn, this, id);
    this.handles.set(id, handle);
    return handle;
  }

  forget(handle: JanusHandle): void {
    this.handles.delete(handle.id);
  }

  /** Destroys the session in Janus (its handles detach); best effort when the connection is gone. */
  async destroy(): Promise<void> {
    if (this.done) return;
    this.stop();
    await this.conn.request({ janus: 'destroy', session_id: this.id }, 'reply').catch(() => {});
  }

  receive(message: JanusMessage): void {
    if (message.janus === 'timeout') {
      this.ended('session timed out');
      return;
    }
    if (typeof message.sender === 'number') this.handles.get(message.sender)?.receive(message);
  }

  ended(why: string): void {
    if (this.done) return;
    this.stop();
    this.endListener?.(why);
  }

  private stop(): void {
    this.done = true;
    clearInterval(this.keepalive);
    this.handles.clear();
    this.conn.forget(this);
  }
}

/** A plugin handle: messages to the plugin, trickled candidates, and its events. */
export class JanusHandle {
  private listener: ((event: HandleEvent) => void) | undefined;
  private detachedAlready = false;

  constructor(
    private readonly conn: JanusConnection,
    private readonly session: JanusSession,
    readonly id: number,
  ) {}

  /** Where the handle's events outside transactions go (one listener). */
  onEvent(listener: (event: HandleEvent) => void): void {
    this.listener = listener;
  }

  /**
   * A plugin request. Synchronous ones end with `success`, asynchronous ones with an `event` after
   * Janus's `ack`. Either way, a plugin error (`error_code` in the data) rejects as a JanusError.
   */
  async message(
    body: Record<string, unknown>,
    jsep?: JanusJsep,
  ): Promise<{ data: PluginData; jsep?: JanusJsep }> {
    const reply = await this.conn.request(
      {
        janus: 'message',
        session_id: this.session.id,
        handle_id: this.id,
        body,
        ...(jsep ? { jsep } : {}),
      },
      'reply',
    );
    const data = reply.plugindata?.data;
    if ((reply.janus !== 'success' && reply.janus !== 'event') || !data) throw unexpected(reply);
    if (typeof data.error_code === 'number')
      throw new JanusError(
        data.error_code,
        typeof data.error === 'string' ? data.error : 'plugin error',
        true,
      );
    return { data, ...(reply.jsep ? { jsep: reply.jsep } : {}) };
  }

  /** One candidate, or `{ completed: true }` for the end of candidates. */
  async trickle(candidate: Record<string, unknown>): Promise<void> {
    await this.conn.request(
      { janus: 'trickle', session_id: this.session.id, handle_id: this.id, candidate },
      'ack',
    );
  }

  /** Tears down the handle's PeerConnection in Janus, keeping the handle (and the plugin's state). */
  async hangup(): Promise<void> {
    await this.conn.request({ janus: 'hangup', session_id: this.session.id, handle_id: this.id }, 'reply');
  }

  /** Detaches the handle (Janus hangs up its PeerConnection); best effort when already gone. */
  async detach(): Promise<void> {
    if (this.detachedAlready) return;
    this.detachedAlready = true;
    this.session.forget(this);
    await this.conn
      .request({ janus: 'detach', session_id: this.session.id, handle_id: this.id }, 'reply')
      .catch(() => {});
  }

  receive(message: JanusMessage): void {
    const listener = this.listener;
    if (!listener) return;
    switch (message.janus) {
      case 'event': {
        const data = message.plugindata?.data;
        if (data) listener({ kind: 'plugin', data, ...(message.jsep ? { jsep: message.jsep } : {}) });
        return;
      }
      case 'webrtcup':
        listener({ kind: 'webrtcup' });
        return;
      case 'hangup':
        listener({ kind: 'hangup', reason: typeof message.reason === 'string' ? message.reason : '' });
        return;
      case 'detached':
        this.detachedAlready = true;
        this.session.forget(this);
        listener({ kind: 'detached' });
        return;
      default:
        // media, slowlink, trickle: not used.
        return;
    }
  }
}

function unexpected(message: JanusMessage): Error {
  return new JanusConnectionError(`unexpected reply from Janus (${message.janus})`);
}
