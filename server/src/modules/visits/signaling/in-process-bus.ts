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

/**
 * A frozen copy of a body whose values are all strings, finite numbers, booleans or null, and whose
 * wire form is surely within `maxBytes`: exactly what its JSON round trip would give, without the
 * round trip (relayed signals are such bodies, thousands a second). Undefined for any other body.
 */
function flatCopy(body: SignalBody, maxBytes: number): Readonly<SignalBody> | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  if (Object.getOwnPropertySymbols(body).length > 0) return undefined; // JSON drops them, a copy would not
  let units = 2;
  for (const k in body) {
    if (!Object.hasOwn(body, k)) continue;
    // A copy made by assignment would set the prototype where JSON.parse makes an own property.
    if (k === '__proto__') return undefined;
    const v = body[k];
    if (typeof v === 'string') units += v.length;
    else if (!(v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))))
      return undefined;
    // Key, quotes, colon, comma, and a number's or literal's digits (at most 24).
    units += k.length + 30;
  }
  // JSON may escape a UTF-16 unit into 6 characters (\u0000); a bound this loose never needs measuring.
  if (units * 6 > maxBytes) return undefined;
  // Not `{ ...body }`: V8 moves a spread copy to the old generation when it is frozen, so each
  // relayed signal left about 190 bytes there for the next full collection (measured, Node 20).
  const copy: SignalBody = Object.assign({}, body);
  for (const k in copy) if (copy[k] === 0) copy[k] = 0; // -0 goes over the wire as 0
  return Object.freeze(copy);
}

export interface InProcessSignalBusOptions {
  nodeId?: string;
  logger?: SignalBusLogger;
  maxMessageBytes?: number;
}

/**
 * The single-node bus (no `NATS_URL`): every participant of a visit is on this process. Receivers
 * get what the wire encoding would give them (a flat body's frozen copy, anything else encoded and
 * decoded), on a later turn of the event loop, as from the network, so code that works here does
 * not rely on delivery during `publish` or on sharing the publisher's object.
 */
export class InProcessSignalBus implements SignalBus {
  readonly nodeId: string;
  private readonly handlers: LocalHandlers;
  private readonly sequencer = new Sequencer();
  private readonly maxMessageBytes: number;
  private closing: Promise<void> | undefined;
  private closed = false;
  /** Visit key, message, visit key, message… published since the last delivery. */
  private queued: (string | SignalMessage)[] = [];
  private spare: (string | SignalMessage)[] = [];
  private scheduled = false;

  constructor(opts: InProcessSignalBusOptions = {}) {
    this.nodeId = assertSafeToken(opts.nodeId ?? randomUUID(), 'nodeId');
    this.handlers = new LocalHandlers(opts.logger ?? silentLogger);
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  publish(visit: VisitRef, body: SignalBody): SignalMessage {
    if (this.closing) throw new Error('signal bus is closed');
    const key = visitKey(visit);
    // Receivers get a frozen copy, never the publisher's object: a flat body's copy is what its wire
    // form would decode to; anything else goes through the wire form (which guarantees it decodes).
    const flat = flatCopy(body, this.maxMessageBytes);
    const message: SignalMessage = flat
      ? Object.freeze({ origin: this.nodeId, seq: this.sequencer.peek(key), body: flat })
      : (decodeSignalText(
          encodeSignalText(
            { origin: this.nodeId, seq: this.sequencer.peek(key), body },
            this.maxMessageBytes,
          ),
        ) as SignalMessage);
    this.sequencer.commit(key);
    // One immediate per turn's worth of messages, not one per message (a relay publishes thousands
    // a second): the queue is a pair of long-lived arrays, so a message leaves nothing behind.
    this.queued.push(key, message);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.deliver);
    }
    return message;
  }

  /** Delivers what was queued before this turn; what handlers publish meanwhile waits for the next. */
  private readonly deliver = (): void => {
    this.scheduled = false;
    const batch = this.queued;
    this.queued = this.spare;
    this.spare = batch;
    for (let i = 0; i < batch.length && !this.closed; i += 2)
      this.handlers.dispatch(batch[i] as string, batch[i + 1] as SignalMessage);
    batch.length = 0;
  };

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
