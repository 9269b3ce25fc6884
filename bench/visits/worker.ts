/**
 * A client process of the visit socket bench: opens its share of the sockets of a target (OpenVisit
 * or the bare relay) at a bounded rate, says hello with a freshly minted ticket (OpenVisit), keeps
 * them alive with pings, and on command sends signaling messages between the two sides of each visit
 * in progress, measuring one-way latency at the receiving side. Both sides of a visit live in the
 * same worker, so send and receive times come from the same clock. It may hold the sockets of both
 * targets at once (the relay rounds alternate between them). Driven by the parent over IPC
 * (protocol.ts).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { VisitTickets } from '../../server/src/modules/visits/tickets/visit-tickets.js';
import { maxOpenFiles, openFiles } from './proc.js';
import {
  zeroCounters,
  type FromWorker,
  type SocketSpec,
  type Target,
  type TargetKind,
  type ToWorker,
} from './protocol.js';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

function send(m: FromWorker): void {
  process.send?.(m);
}

const SIGNAL_PREFIX = Buffer.from('{"t":"signal"');
const STAMP = Buffer.from('"s":');
const STAMP_WIDTH = 20;
const SEQ_WIDTH = 10;

/** What the receivers of the current relay round measured (one round at a time). */
const relayState = {
  latency: new Float64Array(0),
  received: 0,
  corrupt: 0,
  sdpLength: 0,
};

class Conn {
  ws: WebSocket | null = null;
  ready = false;
  opened = false;
  failed = false;
  closing = false;
  welcomed = false;
  gotUpdate = false;
  startedAt = 0;
  helloAt = 0;
  pingTimer: NodeJS.Timeout | null = null;
  pingId = 0;
  onReady: (() => void) | null = null;
  onFail: ((why: string) => void) | null = null;

  constructor(
    readonly set: SocketSet,
    readonly spec: SocketSpec,
  ) {}

  get inCall(): boolean {
    return this.spec.kind === 'call-clinician' || this.spec.kind === 'call-patient';
  }
}

/** This worker's sockets to one target. */
class SocketSet {
  readonly counters = zeroCounters();
  readonly conns: Conn[];
  readonly helloMs: number[] = [];
  readonly connectMs: number[] = [];
  private readonly tickets: VisitTickets | null;

  constructor(
    readonly target: Target,
    specs: SocketSpec[],
    private readonly pingMs: number,
  ) {
    this.conns = specs.map((s) => new Conn(this, s));
    this.tickets =
      target.kind === 'openvisit' ? new VisitTickets(Buffer.from(target.ticketKey, 'base64')) : null;
  }

  problem(what: string): void {
    this.counters.firstProblem ??= what;
  }

  private schedulePing(c: Conn): void {
    const delay = this.pingMs * (0.75 + Math.random() * 0.5);
    c.pingTimer = setTimeout(() => {
      if (c.ws?.readyState !== WebSocket.OPEN) return;
      c.ws.send(`{"t":"ping","id":${++c.pingId}}`);
      this.counters.pingsSent++;
      this.schedulePing(c);
    }, delay);
  }

  private hello(c: Conn, t: Extract<Target, { kind: 'openvisit' }>): string {
    const s = c.spec;
    const ticket = (this.tickets as VisitTickets).issue(
      s.kind === 'queue'
        ? {
            kind: 'queue',
            tenantId: t.tenantId,
            visitId: 'queue',
            participantId: s.participantId,
            role: 'clinician',
            account: `bench-${s.participantId}`,
          }
        : {
            kind: 'join',
            tenantId: t.tenantId,
            visitId: s.visitId,
            participantId: s.participantId,
            role: s.role,
            account: `bench-${s.role}-${s.visitId}`,
          },
      Date.now(),
    );
    return JSON.stringify({ t: 'hello', ticket });
  }

  start(c: Conn): void {
    const t = this.target;
    c.startedAt = performance.now();
    const url =
      t.kind === 'openvisit'
        ? t.url
        : `${t.url}/?pair=${encodeURIComponent(c.spec.pairKey)}&side=${c.spec.side}`;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000 });
    c.ws = ws;
    ws.on('open', () => {
      c.opened = true;
      this.counters.open++;
      this.connectMs.push(performance.now() - c.startedAt);
      if (t.kind === 'baseline') c.onReady?.();
      else {
        const hello = this.hello(c, t);
        c.helloAt = performance.now();
        ws.send(hello);
      }
      this.schedulePing(c);
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(c, Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]));
    });
    ws.on('ping', () => this.counters.serverPings++);
    ws.on('error', (err) => {
      if (!c.ready) c.onFail?.(`socket error: ${err.message}`);
    });
    ws.on('close', (code, reason) => {
      if (c.opened) this.counters.open--;
      c.opened = false;
      if (c.pingTimer) clearTimeout(c.pingTimer);
      if (c.closing) return;
      if (!c.ready) {
        c.onFail?.(`closed before ready: ${code} ${reason.toString()}`);
        return;
      }
      this.counters.unexpectedCloses++;
      this.problem(`a ${c.spec.kind} socket closed: ${code} ${reason.toString()}`);
    });
  }

  private onMessage(c: Conn, data: Buffer): void {
    if (
      data.length > SIGNAL_PREFIX.length &&
      data.compare(SIGNAL_PREFIX, 0, SIGNAL_PREFIX.length, 0, SIGNAL_PREFIX.length) === 0
    ) {
      // The stamp is the first field of `data` (OpenVisit re-serializes the object in order), read
      // from the bytes without decoding the frame; every 64th frame is parsed and checked in full.
      const at = data.indexOf(STAMP);
      if (at < 0) return;
      const sentAt = parseFloat(data.toString('latin1', at + STAMP.length, at + STAMP.length + 24));
      const r = relayState;
      if (r.received < r.latency.length) r.latency[r.received] = now() - sentAt;
      r.received++;
      if ((r.received & 63) === 0) {
        try {
          const m = JSON.parse(data.toString()) as { data?: { n?: unknown; sdp?: unknown } };
          if (
            typeof m.data?.n !== 'number' ||
            typeof m.data.sdp !== 'string' ||
            m.data.sdp.length !== r.sdpLength
          )
            r.corrupt++;
        } catch {
          r.corrupt++;
        }
      }
      return;
    }
    if (this.target.kind !== 'openvisit') return; // the bare relay forwards the peer's pings: ignored
    let m: { t?: string; code?: string; message?: string };
    try {
      m = JSON.parse(data.toString()) as typeof m;
    } catch {
      this.problem('a frame that is not JSON');
      return;
    }
    switch (m.t) {
      case 'welcome':
        c.welcomed = true;
        this.helloMs.push(performance.now() - c.helloAt);
        break;
      case 'wait':
        if (!c.gotUpdate) this.counters.waits++;
        c.gotUpdate = true;
        break;
      case 'queue':
        if (!c.gotUpdate) this.counters.queueUpdates++;
        c.gotUpdate = true;
        break;
      case 'pong':
        this.counters.pongs++;
        break;
      case 'error':
        this.counters.serverErrors++;
        this.problem(`server error ${m.code}: ${m.message}`);
        break;
      default:
        break;
    }
    if (!c.ready && c.welcomed) {
      const needsUpdate = c.spec.kind === 'waiting-patient' || c.spec.kind === 'queue';
      if (!needsUpdate || c.gotUpdate) c.onReady?.();
    }
  }

  async close(): Promise<void> {
    for (const c of this.conns) {
      c.closing = true;
      if (c.pingTimer) clearTimeout(c.pingTimer);
    }
    const closed = this.conns.map(
      (c) =>
        new Promise<void>((resolve) => {
          const ws = c.ws;
          if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000, 'bench done');
        }),
    );
    // Bounded: a socket that does not finish its closing handshake in 10 s is cut.
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 10_000))]);
    for (const c of this.conns) if (c.ws && c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
  }
}

const sets = new Map<TargetKind, SocketSet>();

function setOf(kind: TargetKind): SocketSet {
  const set = sets.get(kind);
  if (!set) throw new Error(`no sockets to ${kind}`);
  return set;
}

async function open(cmd: Extract<ToWorker, { cmd: 'open' }>): Promise<void> {
  if (sets.has(cmd.target.kind)) throw new Error(`sockets to ${cmd.target.kind} are already open`);
  const set = new SocketSet(cmd.target, cmd.specs, cmd.pingMs);
  sets.set(cmd.target.kind, set);
  const t0 = performance.now();
  let started = 0;
  let pending = 0;
  let ready = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const total = set.conns.length;
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (ready + failed === total) {
        clearInterval(ticker);
        resolve();
      }
    };
    const launch = (c: Conn) => {
      pending++;
      const timer = setTimeout(() => c.onFail?.('not ready in time'), cmd.readyTimeoutMs);
      c.onReady = () => {
        if (c.ready || c.failed) return;
        c.ready = true;
        clearTimeout(timer);
        pending--;
        ready++;
        finish();
      };
      c.onFail = (why) => {
        if (c.ready || c.failed) return;
        c.failed = true;
        clearTimeout(timer);
        pending--;
        failed++;
        firstFailure ??= `${c.spec.kind}: ${why}`;
        c.closing = true;
        c.ws?.terminate();
        finish();
      };
      set.start(c);
    };
    // A tick every 10 ms starts what is due at the rate, never more than maxPending at once.
    const ticker = setInterval(() => {
      const due = Math.min(total, Math.floor((cmd.rate * (performance.now() - t0)) / 1000) + 1);
      while (started < due && pending < cmd.maxPending) {
        const c = set.conns[started++];
        if (c) launch(c);
      }
    }, 10);
    if (total === 0) finish();
  });
  send({
    ev: 'opened',
    seconds: (performance.now() - t0) / 1000,
    ready,
    failed,
    ...(firstFailure ? { firstFailure } : {}),
    connectMs: Float64Array.from(set.connectMs),
    helloMs: Float64Array.from(set.helloMs),
    waitsExpected: set.conns.filter((c) => c.spec.kind === 'waiting-patient').length,
    queuesExpected: set.conns.filter((c) => c.spec.kind === 'queue').length,
    counters: { ...set.counters },
    openFiles: openFiles('self'),
  });
}

/** An SDP-sized text, so that the frame as sent is `payloadBytes` long. */
function filler(payloadBytes: number, frameWithoutSdp: number): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Bz3q',
    'a=ice-pwd:1hS4nTB3qZ0JkFvS0bX9pYc2',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CB:5A:5E:1E:9B:7F:1E:3D:4C:2A:9B:0E:76:AF:21:8C:11:64:3F:21',
    'a=setup:actpass',
    'a=mid:0',
    'a=sendrecv',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 goog-remb',
    'a=rtcp-fb:96 transport-cc',
    'a=rtcp-fb:96 nack pli',
  ];
  // JSON escapes each line break as four characters: count the text as it will be on the wire.
  const room = payloadBytes - frameWithoutSdp;
  let sdp = '';
  for (let i = 0; JSON.stringify(sdp).length - 2 < room; i++) sdp += `${lines[i % lines.length]}\r\n`;
  while (sdp.length > 0 && JSON.stringify(sdp).length - 2 > room) sdp = sdp.slice(0, -1);
  return sdp;
}

async function relay(cmd: Extract<ToWorker, { cmd: 'relay' }>): Promise<void> {
  const set = setOf(cmd.target);
  const senders = set.conns.filter((c) => c.ready && c.inCall && c.ws?.readyState === WebSocket.OPEN);
  const total = Math.round(cmd.rate * cmd.seconds);
  // The frame is built once; each send copies it and writes its time and number into fixed-width
  // fields (JSON allows the padding spaces), so the clients spend little CPU per message.
  const head = '{"t":"signal","data":{"s":';
  const seqKey = ',"n":';
  const frame = (sdpJson: string) =>
    `${head}${' '.repeat(STAMP_WIDTH)}${seqKey}${' '.repeat(SEQ_WIDTH)},"sdp":${sdpJson}}}`;
  const sdpText = filler(cmd.payloadBytes, frame('""').length);
  const template = Buffer.from(frame(JSON.stringify(sdpText)));
  const stampAt = head.length;
  const seqAt = stampAt + STAMP_WIDTH + seqKey.length;
  relayState.latency = new Float64Array(total);
  relayState.received = 0;
  relayState.corrupt = 0;
  relayState.sdpLength = sdpText.length;
  let sent = 0;
  let next = 0;
  const t0 = performance.now();
  let lastSend = t0;
  if (senders.length > 0 && total > 0)
    await new Promise<void>((resolve) => {
      // Every 2 ms, what is due at the rate, round-robin over the in-call sockets: each sends about
      // rate / senders messages per second, evenly spaced.
      const ticker = setInterval(() => {
        const due = Math.min(total, Math.floor((cmd.rate * (performance.now() - t0)) / 1000) + 1);
        while (sent < due) {
          const c = senders[next++ % senders.length] as Conn;
          if (c.ws?.readyState === WebSocket.OPEN) {
            const b = Buffer.allocUnsafe(template.length);
            template.copy(b);
            b.write(now().toFixed(3), stampAt, 'latin1');
            b.write(String(sent), seqAt, 'latin1');
            c.ws.send(b, { binary: false });
          }
          sent++;
        }
        lastSend = performance.now();
        if (sent >= total) {
          clearInterval(ticker);
          resolve();
        }
      }, 2);
    });
  const sendSeconds = (lastSend - t0) / 1000;
  // Bounded drain: what is still in flight arrives within milliseconds.
  const drainUntil = performance.now() + cmd.drainMs;
  while (relayState.received < sent && performance.now() < drainUntil)
    await new Promise((r) => setTimeout(r, 20));
  send({
    ev: 'relayed',
    sent,
    received: relayState.received,
    latencyMs: relayState.latency.slice(0, Math.min(relayState.received, total)),
    sendSeconds,
    corrupt: relayState.corrupt,
    counters: { ...set.counters },
  });
}

process.on('message', (m: ToWorker) => {
  const run = async () => {
    switch (m.cmd) {
      case 'open':
        return open(m);
      case 'relay':
        return relay(m);
      case 'counters':
        return send({ ev: 'counters', counters: { ...setOf(m.target).counters } });
      case 'close': {
        const set = setOf(m.target);
        await set.close();
        sets.delete(m.target);
        return send({ ev: 'closed', counters: { ...set.counters } });
      }
    }
  };
  run().catch((err: unknown) =>
    send({ ev: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
// The parent going away ends the worker too (its IPC channel closes).
process.on('disconnect', () => process.exit(0));
send({ ev: 'ready', pid: process.pid, maxOpenFiles: maxOpenFiles('self') });
