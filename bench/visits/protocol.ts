/** The messages between the bench (parent) and its client processes (worker.ts), over Node's IPC. */

/**
 * One socket a worker holds. Every clinician brings four (data.ts): the two sides of their visit in
 * progress, their waiting patient, and their own waiting-room view.
 */
export type SocketKind = 'call-clinician' | 'call-patient' | 'waiting-patient' | 'queue';

export interface SocketSpec {
  kind: SocketKind;
  /** The visit (the queue socket names its clinician's waiting visit, for pairing only). */
  visitId: string;
  /** The ticket's participant: `patient`, `clinician`, or the practitioner id of a queue view. */
  participantId: string;
  role: 'patient' | 'clinician';
  /** Baseline relay: the two sockets with the same key are each other's peer. */
  pairKey: string;
  side: 0 | 1;
}

export type TargetKind = 'openvisit' | 'baseline';

export type Target =
  | {
      kind: 'openvisit';
      /** `ws://127.0.0.1:PORT/api/visits/live` */
      url: string;
      /** The ticket key (the keyring's first key, base64): workers mint tickets as `/join` would. */
      ticketKey: string;
      tenantId: number;
    }
  | { kind: 'baseline'; url: string };

export type ToWorker =
  | {
      cmd: 'open';
      target: Target;
      specs: SocketSpec[];
      /** New sockets per second in this worker. */
      rate: number;
      maxPending: number;
      /** A socket not ready this long after it was started counts as failed. */
      readyTimeoutMs: number;
      /** Mean interval of the application-level `{t:'ping'}` of each socket (jittered ±25%). */
      pingMs: number;
    }
  | {
      cmd: 'relay';
      target: TargetKind;
      rate: number;
      seconds: number;
      payloadBytes: number;
      drainMs: number;
    }
  | { cmd: 'counters'; target: TargetKind }
  | { cmd: 'close'; target: TargetKind };

export interface Counters {
  pingsSent: number;
  pongs: number;
  /** Server pings answered by the ws client (heartbeats from the server). */
  serverPings: number;
  /** Sockets that closed while they should have stayed open. */
  unexpectedCloses: number;
  /** `{t:'error'}` messages from the server. */
  serverErrors: number;
  /** `wait` messages of waiting patients and `queue` messages of waiting-room views. */
  waits: number;
  queueUpdates: number;
  open: number;
  firstProblem?: string;
}

export function zeroCounters(): Counters {
  return {
    pingsSent: 0,
    pongs: 0,
    serverPings: 0,
    unexpectedCloses: 0,
    serverErrors: 0,
    waits: 0,
    queueUpdates: 0,
    open: 0,
  };
}

export type FromWorker =
  | { ev: 'ready'; pid: number; maxOpenFiles: string }
  | {
      ev: 'opened';
      seconds: number;
      ready: number;
      failed: number;
      firstFailure?: string;
      /** ms from `new WebSocket` to the socket's `open`. */
      connectMs: Float64Array;
      /** ms from sending `hello` to its `welcome` (OpenVisit only). */
      helloMs: Float64Array;
      /** Waiting patients that got their `wait`, and queue views their `queue`, by the end. */
      waitsExpected: number;
      queuesExpected: number;
      counters: Counters;
      openFiles: number;
    }
  | {
      ev: 'relayed';
      sent: number;
      received: number;
      /** One-way latency of each message received, ms. */
      latencyMs: Float64Array;
      /** From the first to the last send, s. */
      sendSeconds: number;
      corrupt: number;
      counters: Counters;
    }
  | { ev: 'counters'; counters: Counters }
  | { ev: 'closed'; counters: Counters }
  | { ev: 'error'; message: string };
