/**
 * The signaling bus relays small JSON messages between the server nodes that hold the WebSockets of
 * one visit's participants. A node publishes what its participants send and subscribes for the
 * visits whose participants it holds; the bus delivers each message to every subscriber of the
 * visit, on this node and on the others, exactly once per subscriber while connected.
 */

/** A visit, named by tenant so that two tenants' visit ids can never share a channel. */
export interface VisitRef {
  /** The tenant's numeric id (or a safe token); becomes one subject token on NATS. */
  tenantId: number | string;
  /** e.g. the Encounter id; letters, digits, `-` and `_` only (see visit-subject.ts). */
  visitId: string;
}

/** What a publisher hands the bus: a small JSON object (an SDP offer, an ICE candidate, a notice). */
export type SignalBody = Record<string, unknown>;

/** What a subscriber receives: the body, stamped by the publishing node. Deep-frozen. */
export interface SignalMessage {
  /** The publishing node's id: lets a node tell its own messages from others'. */
  readonly origin: string;
  /** 1, 2, 3... per (origin, visit): a receiver sees gaps and restarts (see gap-detector.ts). */
  readonly seq: number;
  readonly body: Readonly<SignalBody>;
}

/** Called once per delivered message. Not awaited: a slow handler must queue its own work. */
export type SignalHandler = (message: SignalMessage) => void | Promise<void>;

export interface SignalBusStatus {
  transport: 'in-process' | 'nats';
  nodeId: string;
  /** False while the broker is unreachable (messages published meanwhile may be lost) and after close. */
  connected: boolean;
  /** Times the connection came back after a loss. */
  reconnects: number;
  /** Visits this node subscribes to. */
  visits: number;
  /** Messages dropped because they were not a valid envelope. */
  malformed: number;
  /** Handler calls that threw or rejected. */
  handlerErrors: number;
  /** Messages not sent to other nodes because the broker was unreachable (their numbers are spent). */
  unsent: number;
}

export interface SignalBus {
  readonly nodeId: string;
  /** Stamps origin and sequence, then sends. Throws on invalid ids, oversize or non-JSON bodies, or after close. */
  publish(visit: VisitRef, body: SignalBody): SignalMessage;
  /** Returns the unsubscribe function; once it has run the handler is never called again. */
  subscribe(visit: VisitRef, handler: SignalHandler): () => void;
  /** Resolves when the subscriptions made so far are in effect at the broker. */
  flush(): Promise<void>;
  readonly connected: boolean;
  status(): SignalBusStatus;
  /** Delivers what is already in flight, then stops; publish throws afterwards. */
  close(): Promise<void>;
}

/** The part of a pino logger the bus uses; lines carry ids and counts, never message bodies. */
export interface SignalBusLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: SignalBusLogger = { info() {}, warn() {}, error() {} };
