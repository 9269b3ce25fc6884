import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_MESSAGE_BYTES, decodeSignalText, encodeSignalText } from './envelope.js';
import { LocalHandlers } from './local-handlers.js';
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
import { assertSafeToken, visitKey } from './visit-subject.js';

export interface InProcessSignalBusOptions {
  nodeId?: string;
  logger?: SignalBusLogger;
  maxMessageBytes?: number;
}

/**
 * The single-node bus (no `NATS_URL`): every participant of a visit is on this process. Messages
 * go through the wire encoding and are delivered on a later turn of the event loop, as from the
 * network, so code that works here does not rely on delivery during `publish` or on sharing the
 * publisher's object.
 */
export class InProcessSignalBus implements SignalBus {
  readonly nodeId: string;
  private readonly handlers: LocalHandlers;
  private readonly sequencer = new Sequencer();
  private readonly maxMessageBytes: number;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(opts: InProcessSignalBusOptions = {}) {
    this.nodeId = assertSafeToken(opts.nodeId ?? randomUUID(), 'nodeId');
    this.handlers = new LocalHandlers(opts.logger ?? silentLogger);
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  publish(visit: VisitRef, body: SignalBody): SignalMessage {
    if (this.closing) throw new Error('signal bus is closed');
    const key = visitKey(visit);
    const text = encodeSignalText(
      { origin: this.nodeId, seq: this.sequencer.peek(key), body },
      this.maxMessageBytes,
    );
    this.sequencer.commit(key);
    // Receivers get the decoded copy, never the publisher's object; the encoding guarantees it decodes.
    const message = decodeSignalText(text) as SignalMessage;
    setImmediate(() => {
      if (!this.closed) this.handlers.dispatch(key, message);
    });
    return message;
  }

  subscribe(visit: VisitRef, handler: SignalHandler): () => void {
    if (this.closing) throw new Error('signal bus is closed');
    const { remove } = this.handlers.add(visitKey(visit), handler);
    return () => {
      remove();
    };
  }

  async flush(): Promise<void> {}

  get connected(): boolean {
    return this.closing === undefined;
  }

  status(): SignalBusStatus {
    return {
      transport: 'in-process',
      nodeId: this.nodeId,
      connected: this.connected,
      reconnects: 0,
      visits: this.handlers.visits,
      malformed: 0, // nothing foreign can publish here
      handlerErrors: this.handlers.handlerErrors,
      unsent: 0,
    };
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      // Deliveries already queued run before this one (setImmediate is FIFO): NATS's drain, here.
      setImmediate(() => {
        this.closed = true;
        this.handlers.clear();
        resolve();
      });
    });
    return this.closing;
  }
}
