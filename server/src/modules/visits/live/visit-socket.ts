import crypto from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { changeModality, recordChat } from '../flows/admission.js';
import { queueOf, queuesOfClinician } from '../flows/queue.js';
import { iceServers } from '../ice/index.js';
import {
  DEFAULT_POLICY,
  initialDegradationState,
  qualitySample,
  stepDegradation,
  type DegradationState,
  type ResolvedPolicy,
  type StatsSnapshot,
} from '../quality/index.js';
import type { VisitServices } from '../services.js';
import { readVisit } from '../store/visit-row.js';
import { TicketError, type TicketClaims } from '../tickets/visit-tickets.js';
import { CLOSE, type ClientMessage, type GuestKind, type ServerMessage } from './protocol.js';
import type { QueueFeeds } from './queue-feed.js';
import type { Room, RoomEvent, RoomMember } from './room.js';
import { SfuLink } from './sfu-link.js';
import { readSignalFrame } from './signal-frame.js';

const HELLO_TIMEOUT_MS = 10_000;
/** Messages a socket may send per second (SDP and candidates come in bursts; quality every few s). */
const MESSAGES_PER_SECOND = 100;
const CHAT_MAX = 2000;
/**
 * The heartbeat goes out in slices, one every 100 ms: each socket is still pinged every 25 s, but
 * a ping costs about 35 µs here, so the 10,000 sockets' pings sent at once would hold the event loop
 * for 0.35 s (and 25 slices still for 14 ms, which is a relayed signal's whole latency budget).
 */
export const HEARTBEAT_SLICES = 250;

/** What a socket needs of this node's socket server (visit-sockets.ts). */
export interface SocketHub {
  readonly s: VisitServices;
  readonly log: { warn(obj: object, msg: string): void };
  readonly queues: QueueFeeds;
  enter(
    tenantId: number,
    visitId: string,
    status: string,
    modality: string | null,
    media: 'p2p' | 'sfu',
  ): Promise<Room>;
  leave(room: Room, member: RoomMember): void;
  publish(tenantId: number, visitId: string, event: RoomEvent): void;
}

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'unknown';
}

function isJsep(v: unknown, type: 'offer' | 'answer'): v is { type: typeof type; sdp: string } {
  return isObject(v) && v.type === type && typeof v.sdp === 'string' && v.sdp.length < 60_000;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

let nextBeatSlice = 0;

/** One socket: unauthenticated until its hello, then a member of a visit's room or a queue view. */
export class VisitSocket implements RoomMember {
  readonly connId = crypto.randomBytes(9).toString('base64url');
  /** Which slice of the heartbeat pings this socket. */
  readonly beatSlice = nextBeatSlice++ % HEARTBEAT_SLICES;
  private claims: TicketClaims | null = null;
  private room: Room | null = null;
  private unfollow: (() => void) | null = null;
  private alive = true;
  private windowStart = 0;
  private windowCount = 0;
  private readonly helloTimer: NodeJS.Timeout;
  private previousStats: StatsSnapshot | null = null;
  private degradation: DegradationState = initialDegradationState('video');
  private mediaReported = false;
  private sfu: SfuLink | null = null;
  /** The SFU link being opened (one at a time: a second join would replace the first on the SFU). */
  private sfuOpening: Promise<boolean> | null = null;
  private gone = false;
  /** A guest's invitation role, read at hello. */
  kind: GuestKind | undefined;
  /** The tenant's degradation policy, read at hello. */
  private policy: ResolvedPolicy = DEFAULT_POLICY;
  /** Messages that arrived while one was awaiting; null when none is. */
  private waiting: [RawData, boolean][] | null = null;

  constructor(
    private readonly hub: SocketHub,
    private readonly ws: WebSocket,
  ) {
    this.helloTimer = setTimeout(() => this.close(CLOSE.unauthenticated, 'no hello'), HELLO_TIMEOUT_MS);
    ws.on('pong', () => (this.alive = true));
    ws.on('message', (data, isBinary) => {
      // In order, one at a time: what arrives while a message awaits (a hello's read, a chat's write)
      // waits behind it. Relayed signals need no await, so they are handled at once, with no promise.
      if (this.waiting) this.waiting.push([data, isBinary]);
      else this.handle(data, isBinary);
    });
    ws.on('error', () => undefined);
  }

  get participantId(): string {
    return this.claims?.participantId ?? '';
  }

  get role(): TicketClaims['role'] {
    return this.claims?.role ?? 'guest';
  }

  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  sendText(frame: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
  }

  beat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  visitStatusChanged(status: string): void {
    // Admitted: the waiting room is behind the patient now.
    if (status !== 'arrived' && this.unfollow) {
      this.unfollow();
      this.unfollow = null;
    }
  }

  modalityChanged(modality: string): void {
    void this.sfu?.audioOnly(modality !== 'video').catch(() => undefined);
    const step = stepDegradation(
      this.degradation,
      {
        type: 'modality-changed',
        modality: modality === 'video' ? 'video' : 'audio-only',
        atMs: this.lastStatsAt(),
      },
      this.policy,
    );
    this.degradation = step.state;
  }

  mediaModeChanged(mode: 'p2p' | 'sfu'): void {
    if (mode === 'p2p') return this.send({ t: 'media-mode', mode });
    // Only once this participant is in the SFU room: a browser publishes as soon as it hears this.
    void this.openSfu().then((open) => open && this.send({ t: 'media-mode', mode: 'sfu' }));
  }

  /**
   * Joins the visit's SFU room for this participant (the browser then publishes with sfu-publish):
   * whether it is in. A failure is told to the browser (`media-unavailable`); its next SFU message
   * tries again.
   */
  private openSfu(): Promise<boolean> {
    if (this.sfu) return Promise.resolve(true);
    this.sfuOpening ??= this.connectSfu().finally(() => (this.sfuOpening = null));
    return this.sfuOpening;
  }

  private async connectSfu(): Promise<boolean> {
    const s = this.hub.s;
    const claims = this.claims;
    if (!claims || !s.media || this.gone) return false;
    let link: SfuLink;
    try {
      link = await SfuLink.open(
        s.media,
        { tenantId: claims.tenantId, visitId: claims.visitId },
        claims.participantId,
        (m) => this.send(m),
        () => {
          // The media server lost this participant: join again and tell the browser to publish again.
          const lost = this.sfu;
          this.sfu = null;
          void lost?.close();
          void this.openSfu().then((open) => open && this.send({ t: 'media-mode', mode: 'sfu' }));
        },
      );
    } catch (err) {
      this.hub.log.warn({ err: errorName(err) }, 'could not join the media server');
      this.send({ t: 'error', code: 'media-unavailable', message: 'The media server could not be reached' });
      return false;
    }
    if (this.gone) {
      // The socket closed while the link opened.
      await link.close();
      return false;
    }
    this.sfu = link;
    return true;
  }

  private async sfuMessage(
    m: Extract<ClientMessage, { t: 'sfu-publish' | 'sfu-answer' | 'sfu-candidate' }>,
  ): Promise<void> {
    if (!this.inCall()) return;
    // The link failed to open earlier (the media server was down): try again now.
    if (!this.sfu && this.room?.media === 'sfu') await this.openSfu();
    const sfu = this.sfu;
    if (!sfu)
      return this.send({ t: 'error', code: 'not-sfu', message: 'This visit is not on the media server' });
    if (m.t === 'sfu-publish') {
      if (!isJsep(m.jsep, 'offer'))
        return this.send({ t: 'error', code: 'malformed', message: 'An offer is needed' });
      return sfu.publish(m.jsep);
    }
    if (m.t === 'sfu-answer') {
      if (!isJsep(m.jsep, 'answer') || typeof m.subscriptionId !== 'string')
        return this.send({ t: 'error', code: 'malformed', message: 'An answer to a subscription is needed' });
      return sfu.answer(m.subscriptionId, m.jsep);
    }
    if (typeof m.target !== 'string') return;
    const c = m.candidate;
    if (c !== null && (!isObject(c) || typeof c.candidate !== 'string')) return;
    return sfu.trickle(m.target, c);
  }

  closed(): void {
    clearTimeout(this.helloTimer);
    this.gone = true;
    void this.sfu?.close();
    this.sfu = null;
    this.unfollow?.();
    this.unfollow = null;
    const room = this.room;
    const claims = this.claims;
    if (!room || !claims) return;
    this.hub.leave(room, this);
    this.hub.publish(claims.tenantId, claims.visitId, {
      k: 'peer',
      id: claims.participantId,
      role: claims.role,
      conn: this.connId,
      state: 'left',
    });
    if (!this.mediaReported && room.status === 'in-progress' && claims.kind === 'join') {
      // Left before the media ever started: a failed join.
      this.hub.s.metrics.mediaFailed(claims.role);
    }
  }

  private lastStatsAt(): number {
    return this.previousStats?.timestampMs ?? 0;
  }

  private tooFast(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    return ++this.windowCount > MESSAGES_PER_SECOND;
  }

  private handle(data: RawData, isBinary: boolean): void {
    let pending: void | Promise<void>;
    try {
      pending = this.onMessage(data, isBinary);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (!pending) return;
    this.waiting = [];
    pending.catch((err: unknown) => this.failed(err)).finally(() => this.drain());
  }

  private drain(): void {
    const queued = this.waiting ?? [];
    this.waiting = null;
    while (queued.length > 0 && !this.waiting) {
      const [data, isBinary] = queued.shift() as [RawData, boolean];
      this.handle(data, isBinary);
    }
    // A queued message awaited in turn: the rest wait behind it.
    if (this.waiting) (this.waiting as [RawData, boolean][]).unshift(...queued);
  }

  private failed(err: unknown): void {
    this.hub.log.warn({ err: errorName(err) }, 'visit socket message failed');
    this.send({ t: 'error', code: 'failed', message: 'The message could not be handled' });
  }

  private onMessage(data: RawData, isBinary: boolean): void | Promise<void> {
    if (isBinary) return this.close(1003, 'text frames only');
    if (this.tooFast()) return this.close(CLOSE.tooFast, 'too many messages');
    if (this.claims && Buffer.isBuffer(data)) {
      // Relayed signals are read without parsing (signal-frame.ts); anything else is parsed below.
      const frame = readSignalFrame(data);
      if (frame === 'invalid')
        return this.send({ t: 'error', code: 'malformed', message: 'Messages are JSON objects' });
      if (frame !== 'other') return this.signal(frame.to, frame.data);
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return this.send({ t: 'error', code: 'malformed', message: 'Messages are JSON objects' });
    }
    if (!isObject(message) || typeof message.t !== 'string')
      return this.send({ t: 'error', code: 'malformed', message: 'Messages are JSON objects with a type' });
    const m = message as ClientMessage;
    if (!this.claims) {
      if (m.t !== 'hello') return this.close(CLOSE.unauthenticated, 'hello first');
      return this.hello(m);
    }
    switch (m.t) {
      case 'ping':
        return this.send({ t: 'pong', ...(typeof m.id === 'number' ? { id: m.id } : {}) });
      case 'signal':
        if (!isObject(m.data))
          return this.send({ t: 'error', code: 'malformed', message: 'signal.data is an object' });
        return this.signal(typeof m.to === 'string' ? m.to : undefined, JSON.stringify(m.data));
      case 'chat':
        return this.chat(m.text);
      case 'quality':
        return this.quality(m.stats);
      case 'modality':
        return this.modality(m.modality, 'user');
      case 'offer-declined':
        this.degradation = stepDegradation(this.degradation, { type: 'offer-declined' }, this.policy).state;
        return;
      case 'media':
        return this.media(m);
      case 'sfu-publish':
      case 'sfu-answer':
      case 'sfu-candidate':
        return this.sfuMessage(m);
      case 'hello':
        return this.send({
          t: 'error',
          code: 'already-authenticated',
          message: 'This socket already said hello',
        });
      default:
        return this.send({ t: 'error', code: 'unknown-type', message: 'Unknown message type' });
    }
  }

  private async hello(m: Extract<ClientMessage, { t: 'hello' }>): Promise<void> {
    const s = this.hub.s;
    let claims: TicketClaims;
    try {
      claims = s.tickets.verify(m.ticket, ['join', 'resume', 'queue'], s.now());
    } catch (err) {
      if (err instanceof TicketError) return this.close(CLOSE.unauthenticated, err.message);
      throw err;
    }
    clearTimeout(this.helloTimer);
    if (claims.kind === 'queue') return this.helloQueue(claims);
    const visit = await s.db.withTenant(claims.tenantId, (q) =>
      readVisit(q, claims.tenantId, claims.visitId),
    );
    if (!visit || ['finished', 'cancelled', 'entered-in-error'].includes(visit.status))
      return this.close(CLOSE.visitOver, 'the visit is over');
    if (visit.status === 'planned') return this.close(CLOSE.forbidden, 'check in first');
    this.claims = claims;
    this.policy = await s.policies.of(claims.tenantId);
    if (claims.kind === 'resume') s.metrics.reconnected();
    const modality = visit.state.modalityHistory.at(-1)?.modality ?? null;
    if (modality && modality !== 'video') this.degradation = initialDegradationState('audio-only');
    const room = await this.hub.enter(
      claims.tenantId,
      claims.visitId,
      visit.status,
      modality,
      visit.mediaMode,
    );
    if (claims.role === 'guest') this.kind = await this.guestKind(claims);
    this.room = room;
    room.members.add(this);
    // An SFU visit's welcome waits for this participant's place on the media server (or its error).
    if (room.media === 'sfu') await this.openSfu();
    if (this.gone) return; // closed meanwhile: it has left the room already
    this.send({
      t: 'welcome',
      participantId: claims.participantId,
      role: claims.role,
      ...(this.kind ? { kind: this.kind } : {}),
      resume: s.tickets.issue({ ...claims, kind: 'resume' }, s.now()),
      status: room.status,
      modality: room.modality,
      iceServers: iceServers(s.ice, `${claims.tenantId}-${this.connId}`, s.now()),
      iceTransportPolicy: s.ice.transportPolicy ?? 'all',
      offerer: claims.role === 'clinician',
      media: room.media,
    });
    this.hub.publish(claims.tenantId, claims.visitId, {
      k: 'peer',
      id: claims.participantId,
      role: claims.role,
      ...(this.kind ? { kind: this.kind } : {}),
      conn: this.connId,
      state: 'joined',
      pc: m.pc === 'existing' ? 'existing' : 'new',
    });
    if (visit.status === 'arrived' && claims.role === 'patient')
      this.unfollow = this.hub.queues.follow(claims.tenantId, queueOf(visit), {
        tenantId: claims.tenantId,
        visitId: visit.id,
        onQueue: ({ place }) => {
          if (place) this.send({ t: 'wait', position: place.position, etaMinutes: place.etaMinutes });
        },
      });
  }

  /** What a guest was invited as (their invitation, by the participant id it was redeemed for). */
  private async guestKind(claims: TicketClaims): Promise<GuestKind | undefined> {
    const res = await this.hub.s.db.withTenant(claims.tenantId, (q) =>
      q.query<{ role: GuestKind }>(
        `SELECT role FROM visit_invite WHERE tenant_id = $1 AND visit_id = $2 AND participant_id = $3`,
        [claims.tenantId, claims.visitId, claims.participantId],
      ),
    );
    return res.rows[0]?.role;
  }

  /** A clinician's live waiting room: their booked patients and their service lines' on-demand queues. */
  private async helloQueue(claims: TicketClaims): Promise<void> {
    const s = this.hub.s;
    this.claims = claims;
    const practitionerId = claims.participantId;
    const keys = await s.db.withTenant(claims.tenantId, (q) =>
      queuesOfClinician(q, claims.tenantId, practitionerId),
    );
    const counts = new Map<number, number>();
    const unfollows = keys.map((key, i) =>
      this.hub.queues.follow(claims.tenantId, key, {
        tenantId: claims.tenantId,
        visitId: null,
        onQueue: ({ waiting }) => {
          counts.set(i, waiting);
          let total = 0;
          for (const n of counts.values()) total += n;
          this.send({ t: 'queue', waiting: total });
        },
      }),
    );
    this.unfollow = () => unfollows.forEach((u) => u());
    this.send({
      t: 'welcome',
      participantId: practitionerId,
      role: 'clinician',
      resume: s.tickets.issue({ ...claims, kind: 'queue' }, s.now(), 6 * 3_600_000),
      status: 'queue',
      modality: null,
      iceServers: [],
      iceTransportPolicy: 'all',
      offerer: false,
      media: 'p2p',
    });
  }

  private inCall(): { claims: TicketClaims; room: Room } | null {
    if (!this.claims || !this.room || this.claims.kind === 'queue') return null;
    if (this.room.status !== 'in-progress') {
      this.send({ t: 'error', code: 'not-in-progress', message: 'The visit has not started' });
      return null;
    }
    return { claims: this.claims, room: this.room };
  }

  /** Relays a signal to the visit's other participants (or to `to`); `data` is a JSON object's text. */
  private signal(to: string | undefined, data: string): void {
    const call = this.inCall();
    if (!call) return;
    this.hub.publish(call.claims.tenantId, call.claims.visitId, {
      k: 'signal',
      from: call.claims.participantId,
      ...(to !== undefined ? { to } : {}),
      data,
    });
  }

  private async chat(text: unknown): Promise<void> {
    const call = this.inCall();
    if (!call) return;
    if (typeof text !== 'string' || text.trim().length === 0 || text.length > CHAT_MAX)
      return this.send({
        t: 'error',
        code: 'invalid',
        message: `A chat message is 1 to ${CHAT_MAX} characters`,
      });
    const s = this.hub.s;
    const visit = await s.db.withTenant(call.claims.tenantId, (q) =>
      readVisit(q, call.claims.tenantId, call.claims.visitId),
    );
    if (!visit) return;
    const sender =
      call.claims.role === 'patient'
        ? `Patient/${visit.patientId}`
        : call.claims.role === 'clinician' && visit.practitionerId
          ? `Practitioner/${visit.practitionerId}`
          : '';
    const stored = await recordChat(s, call.claims.tenantId, visit, sender, text.trim());
    this.hub.publish(call.claims.tenantId, call.claims.visitId, {
      k: 'chat',
      id: stored.id,
      from: call.claims.participantId,
      text: text.trim(),
      sent: stored.sent,
    });
  }

  private async quality(stats: unknown): Promise<void> {
    const call = this.inCall();
    if (!call || !isObject(stats)) return;
    const s = this.hub.s;
    let sample;
    try {
      sample = qualitySample(this.previousStats, stats as unknown as StatsSnapshot);
    } catch {
      return this.send({ t: 'error', code: 'invalid', message: 'The quality report is not valid' });
    }
    this.previousStats = stats as unknown as StatsSnapshot;
    if (sample.audio?.mos !== null && sample.audio?.mos !== undefined) s.metrics.mos(sample.audio.mos);
    const step = stepDegradation(this.degradation, { type: 'sample', sample }, this.policy);
    this.degradation = step.state;
    for (const d of step.decisions) {
      this.send({ t: 'advice', action: d.type });
      if (d.type === 'switch-audio-only') await this.modality('audio', 'automatic');
    }
  }

  private async modality(modality: unknown, trigger: 'user' | 'automatic'): Promise<void> {
    const call = this.inCall();
    if (!call) return;
    if (modality !== 'video' && modality !== 'audio')
      return this.send({ t: 'error', code: 'invalid', message: 'The modality is video or audio' });
    const changed = await changeModality(
      this.hub.s,
      call.claims.tenantId,
      call.claims.visitId,
      modality,
      trigger,
    );
    if (!changed) return;
    this.hub.s.onCommitted?.();
    this.hub.publish(call.claims.tenantId, call.claims.visitId, { k: 'modality', modality, trigger });
  }

  private media(m: Extract<ClientMessage, { t: 'media' }>): void {
    // Counted once per join; a resumed socket's media is the same join's.
    if (!this.claims || this.claims.kind !== 'join' || this.mediaReported) return;
    this.mediaReported = true;
    if (m.event === 'ready' && typeof m.setupMs === 'number' && m.setupMs >= 0 && m.setupMs < 600_000)
      this.hub.s.metrics.mediaReady(this.claims.role, m.setupMs / 1000);
    else this.hub.s.metrics.mediaFailed(this.claims.role);
  }
}
