import { randomUUID } from 'node:crypto';
import {
  connect,
  DebugEvents,
  Events,
  type ConnectionOptions,
  type Msg,
  type NatsConnection,
  type Status,
  type Subscription,
} from 'nats';
import { safeError } from '../../../platform/observability/logger.js';
import { DEFAULT_MAX_MESSAGE_BYTES, decodeSignal, encodeSignal } from './envelope.js';
import { LocalHandlers } from './local-handlers.js';
import { ReconnectBackoff, type BackoffOptions } from './reconnect-backoff.js';
import { Sequencer } from './sequencer.js';
import {
  silentLogger,
  type SignalBody,
  type SignalBus,
  type SignalBusLogger,
  type SignalBusStatus,
  type SignalHandler,
  type SignalMessage,
  type VisitRef,
} from './types.js';
import { assertSafeToken, visitKey, visitSubject } from './visit-subject.js';

export interface NatsSignalBusOptions {
  /** `host:port` entries (see nats-url.ts for reading `NATS_URL`). */
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  /** Require TLS (a `tls://` URL). Without it TLS is still used when the server demands it. */
  tls?: boolean;
  nodeId?: string;
  logger?: SignalBusLogger;
  maxMessageBytes?: number;
  backoff?: BackoffOptions;
  /**
   * Client pings this often; two unanswered mean the server is gone. It is how a node notices a
   * broker that vanished without closing the socket (a dead host), so it is far below the client's
   * two-minute default.
   */
  pingIntervalMs?: number;
  /** Bound on the first connection; later losses are retried forever. */
  connectTimeoutMs?: number;
  /** Bound on close's drain; a broker that is down cannot be drained, so close then just closes. */
  drainTimeoutMs?: number;
}

/**
 * Signaling between nodes over core NATS: one subject per visit, `ov.signal.<tenant>.<visit>`, one
 * NATS subscription per visit however many local handlers it has. Local handlers are served
 * directly, as by the in-process bus; the connection is opened with `noEcho`, and a message of this
 * node's own origin is dropped as well, so nothing is delivered twice.
 *
 * Core NATS is at-most-once: a message published while a node is disconnected is not queued for
 * later (the client would buffer without bound, and replay stale offers); its sequence number is
 * spent, so the receivers see the gap and the signaling layer resynchronises.
 *
 * Logs carry counts, codes and the node id, never subjects with ids nor message bodies.
 */
export class NatsSignalBus implements SignalBus {
  readonly nodeId: string;
  private readonly handlers: LocalHandlers;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly sequencer = new Sequencer();
  private readonly logger: SignalBusLogger;
  private readonly maxMessageBytes: number;
  private readonly drainTimeoutMs: number;
  // The client does not end its status iterators when the connection closes; close() stops ours.
  private readonly statusEvents: AsyncIterable<Status> & { stop?: () => void };
  private link: 'up' | 'down' = 'up';
  private closing: Promise<void> | undefined;
  private reconnects = 0;
  private malformed = 0;
  private unsent = 0;

  static async connect(opts: NatsSignalBusOptions): Promise<NatsSignalBus> {
    const nodeId = assertSafeToken(opts.nodeId ?? randomUUID(), 'nodeId');
    const backoff = new ReconnectBackoff(opts.backoff);
    const options: ConnectionOptions = {
      servers: opts.servers,
      name: `openvisit-signal-${nodeId}`,
      noEcho: true,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => backoff.delayMs(),
      pingInterval: opts.pingIntervalMs ?? 10_000,
      maxPingOut: 2,
      timeout: opts.connectTimeoutMs ?? 5_000,
    };
    if (opts.user !== undefined) Object.assign(options, { user: opts.user, pass: opts.pass });
    if (opts.token !== undefined) options.token = opts.token;
    if (opts.tls) options.tls = {};
    const nc = await connect(options);
    return new NatsSignalBus(nc, nodeId, backoff, opts);
  }

  private constructor(
    private readonly nc: NatsConnection,
    nodeId: string,
    private readonly backoff: ReconnectBackoff,
    opts: NatsSignalBusOptions,
  ) {
    this.nodeId = nodeId;
    this.logger = opts.logger ?? silentLogger;
    this.handlers = new LocalHandlers(this.logger);
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.drainTimeoutMs = opts.drainTimeoutMs ?? 5_000;
    this.statusEvents = nc.status();
    void this.followStatus();
    void nc.closed().then((err) => {
      this.link = 'down';
      if (err && !this.closing)
        this.logger.error({ nodeId, err: safeError(err) }, 'signal bus connection lost for good');
    });
  }

  publish(visit: VisitRef, body: SignalBody): SignalMessage {
    if (this.closing) throw new Error('signal bus is closed');
    const key = visitKey(visit);
    const subject = visitSubject(visit);
    const bytes = encodeSignal(
      { origin: this.nodeId, seq: this.sequencer.peek(key), body },
      this.maxMessageBytes,
    );
    if (this.link === 'up') this.nc.publish(subject, bytes);
    else this.unsent++;
    this.sequencer.commit(key);
    // encodeSignal guarantees the bytes decode; local handlers get a frozen copy, as remote ones do.
    const message = decodeSignal(bytes) as SignalMessage;
    if (this.subscriptions.has(key)) setImmediate(() => this.handlers.dispatch(key, message));
    return message;
  }

  subscribe(visit: VisitRef, handler: SignalHandler): () => void {
    if (this.closing) throw new Error('signal bus is closed');
    const key = visitKey(visit);
    const subject = visitSubject(visit);
    const { first, remove } = this.handlers.add(key, handler);
    if (first) {
      try {
        this.subscriptions.set(
          key,
          this.nc.subscribe(subject, { callback: (err, msg) => this.receive(key, err, msg) }),
        );
      } catch (err) {
        remove();
        throw err;
      }
    }
    return () => {
      if (!remove().last) return;
      const sub = this.subscriptions.get(key);
      this.subscriptions.delete(key);
      if (sub && !sub.isClosed() && !this.nc.isClosed()) sub.unsubscribe();
    };
  }

  private receive(key: string, err: Error | null, msg: Msg | undefined): void {
    if (err) {
      // e.g. a permissions violation; its text names the subject, so only the code is logged.
      this.logger.warn(
        { nodeId: this.nodeId, code: (err as { code?: string }).code },
        'signal subscription error',
      );
      return;
    }
    const message = msg && decodeSignal(msg.data);
    if (!message) {
      this.malformed++;
      return;
    }
    if (message.origin === this.nodeId) return; // our own, already delivered locally
    this.handlers.dispatch(key, message);
  }

  flush(): Promise<void> {
    return this.nc.flush();
  }

  get connected(): boolean {
    return this.link === 'up' && !this.closing && !this.nc.isClosed();
  }

  status(): SignalBusStatus {
    return {
      transport: 'nats',
      nodeId: this.nodeId,
      connected: this.connected,
      reconnects: this.reconnects,
      visits: this.handlers.visits,
      malformed: this.malformed,
      handlerErrors: this.handlers.handlerErrors,
      unsent: this.unsent,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.drainThenClose();
    return this.closing;
  }

  private async drainThenClose(): Promise<void> {
    // Drain: unsubscribe, deliver what already arrived, flush what this node published, close.
    if (!this.nc.isClosed()) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.drainTimeoutMs);
      });
      const drained = this.nc.drain().then(
        () => 'drained' as const,
        () => 'failed' as const,
      );
      const outcome = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      if (outcome !== 'drained') {
        this.logger.warn({ nodeId: this.nodeId, outcome }, 'signal bus closed without draining');
        await this.nc.close().catch(() => undefined);
      } else if (!this.nc.isClosed()) {
        // While reconnecting, nats.js's drain() resolves without closing (its flush failed quietly):
        // the connection would go on retrying and keep the process alive.
        await this.nc.close().catch(() => undefined);
      }
    }
    this.statusEvents.stop?.();
    // Local deliveries queued by the last publishes run before this (setImmediate is FIFO).
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.subscriptions.clear();
    this.handlers.clear();
  }

  /** Tracks the link for `connected`, drives the backoff, and logs changes without server data. */
  private async followStatus(): Promise<void> {
    for await (const s of this.statusEvents) {
      switch (s.type) {
        case Events.Disconnect:
          this.link = 'down';
          this.logger.warn({ nodeId: this.nodeId }, 'signal bus disconnected from NATS');
          break;
        case Events.Reconnect:
          this.link = 'up';
          this.reconnects++;
          this.backoff.reset();
          this.logger.info(
            { nodeId: this.nodeId, reconnects: this.reconnects },
            'signal bus reconnected to NATS',
          );
          break;
        case DebugEvents.Reconnecting:
          this.backoff.attempted();
          break;
        case DebugEvents.StaleConnection:
          this.logger.warn({ nodeId: this.nodeId }, 'NATS server stopped answering pings');
          break;
        case Events.LDM:
          this.logger.warn({ nodeId: this.nodeId }, 'NATS server entering lame duck mode');
          break;
        case Events.Error:
          this.logger.warn({ nodeId: this.nodeId }, 'NATS reported an asynchronous error');
          break;
        default:
          break;
      }
    }
  }
}
