import { randomUUID } from 'node:crypto';
import { ReconnectBackoff, type BackoffOptions } from '../signaling/reconnect-backoff.js';
import {
  JANUS_SESSION_NOT_FOUND,
  JANUS_UNAUTHORIZED,
  JANUS_WEBRTC_STATE,
  JanusConnection,
  JanusConnectionError,
  JanusError,
  JanusTimeoutError,
  type HandleEvent,
  type JanusHandle,
  type JanusJsep,
  type JanusSession,
  type PluginData,
} from './janus-client.js';
import {
  MediaProviderError,
  type IceCandidate,
  type Jsep,
  type MediaClosedReason,
  type MediaParticipantEvents,
  type MediaProvider,
  type MediaRoomOptions,
  type MediaRoomRef,
  type MediaSession,
  type MediaSubscription,
} from './provider.js';
import {
  checkParticipantId,
  feedId as feedIdOf,
  isParticipantId,
  RoomKeys,
  randomRoomKey,
  type RoomCredentials,
} from './room-credentials.js';

const VIDEOROOM = 'janus.plugin.videoroom';
/** The most publishers a room may be opened for. */
export const MAX_PARTICIPANTS = 64;
/** Bounds on what a browser may hand us: an SDP and a candidate line. */
const MAX_SDP_LENGTH = 128 * 1024;
const MAX_CANDIDATE_LENGTH = 1024;
/** Janus tears a refused PeerConnection down asynchronously: a new offer waits for it, this long at most. */
const CLEANING_RETRIES = 20;
const CLEANING_WAIT_MS = 100;

/** VideoRoom error codes the provider tells apart (janus_videoroom.c). */
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;
const NO_SUCH_FEED = 428;
const PUBLISHERS_FULL = 432;
const UNAUTHORIZED = 433;
const ID_EXISTS = 436;

/** The part of a pino logger the provider uses: counts and error classes, never ids, SDP or secrets. */
export interface MediaLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const silentLogger: MediaLogger = { info() {}, warn() {} };

export interface JanusProviderOptions {
  /** The Janus WebSocket API (`ws://` or `wss://`), reachable from the servers only. */
  url: string;
  /** Janus's `api_secret`. */
  apiSecret?: string;
  /**
   * The key that room ids, secrets and PINs are derived from (room-credentials.ts). Give every node
   * the same key; without one, a random key is drawn and the rooms belong to this provider alone.
   */
  roomKey?: string | Buffer;
  /** Bound on opening the WebSocket. Default 5 s. */
  connectTimeoutMs?: number;
  /** Bound on each Janus request (publishing includes Janus gathering its candidates). Default 10 s. */
  requestTimeoutMs?: number;
  /** Keepalive period of each Janus session; Janus drops a session after 60 s without one. Default 25 s. */
  keepaliveMs?: number;
  /** Waits after failed connection attempts; the default starts at 250 ms and doubles to 5 s. */
  backoff?: BackoffOptions;
  logger?: MediaLogger;
}

/** The live connection: the WebSocket, and a VideoRoom handle for room administration. */
interface Link {
  conn: JanusConnection;
  admin: JanusHandle;
}

/**
 * The media provider on Janus's VideoRoom plugin, driven over its WebSocket API.
 *
 * - One WebSocket to Janus per provider, opened on first use. If it drops, every session gets
 *   `onClosed('provider-lost')`, and the next call opens a new one. After a failed attempt, calls
 *   fail fast with `unavailable` until a backoff wait (with jitter) has passed.
 * - One Janus session per participant, with a publisher handle and one subscriber handle per
 *   subscription (each is one peer connection in the browser).
 * - Rooms are private, need a PIN to join and a secret to administer, and want each subscriber to
 *   prove that it is a participant (`require_pvtid`). Janus's display name and publisher id are
 *   the opaque participant id and a number derived from it.
 * - Janus is left in half-trickle mode: its candidates are in its SDP, and only browsers trickle.
 */
export class JanusMediaProvider implements MediaProvider {
  readonly name = 'janus';
  private readonly keys: RoomKeys;
  private readonly backoff: ReconnectBackoff;
  private readonly logger: MediaLogger;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly keepaliveMs: number;
  /** Rooms opened through this provider, kept to create them again if Janus restarted. */
  private readonly rooms = new Map<string, MediaRoomOptions>();
  private readonly opening = new Map<string, Promise<void>>();
  private readonly sessions = new Set<JanusMediaSession>();
  private current: Link | undefined;
  private connecting: Promise<Link> | undefined;
  private retryAt = 0;
  private closed = false;

  constructor(private readonly opts: JanusProviderOptions) {
    const key = opts.roomKey ?? randomRoomKey();
    this.keys = new RoomKeys(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
    this.backoff = new ReconnectBackoff(opts.backoff);
    this.logger = opts.logger ?? silentLogger;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.keepaliveMs = opts.keepaliveMs ?? 25_000;
  }

  /** Whether the WebSocket to Janus is open right now. */
  get connected(): boolean {
    return this.current?.conn.isOpen ?? false;
  }

  async openRoom(room: MediaRoomRef, opts: MediaRoomOptions): Promise<void> {
    const key = RoomKeys.refKey(room);
    const max = opts?.maxParticipants;
    if (!Number.isInteger(max) || max < 1 || max > MAX_PARTICIPANTS)
      throw new MediaProviderError(
        'invalid-argument',
        `maxParticipants must be a whole number from 1 to ${MAX_PARTICIPANTS}`,
      );
    // Opens of one room run one after another, so the last one's cap is the one that holds.
    for (let inFlight = this.opening.get(key); inFlight; inFlight = this.opening.get(key))
      await inFlight.catch(() => {});
    const open = (async () => {
      const link = await this.link();
      await this.createRoom(link, this.keys.credentials(room), max);
      this.rooms.set(key, { maxParticipants: max });
    })().finally(() => this.opening.delete(key));
    this.opening.set(key, open);
    await open.catch((err: unknown) => {
      throw providerError(err);
    });
  }

  async closeRoom(room: MediaRoomRef): Promise<void> {
    const key = RoomKeys.refKey(room);
    this.rooms.delete(key);
    const creds = this.keys.credentials(room);
    try {
      const link = await this.link();
      await link.admin.message({ request: 'destroy', room: creds.roomId, secret: creds.secret });
    } catch (err) {
      if (!(err instanceof JanusError && err.code === NO_SUCH_ROOM)) throw providerError(err);
    }
    // Janus tells each participant in a `destroyed` event; this node's sessions end now regardless.
    for (const session of [...this.sessions]) if (session.roomKey === key) session.end('room-closed');
  }

  async join(
    room: MediaRoomRef,
    participantId: string,
    events: MediaParticipantEvents,
  ): Promise<MediaSession> {
    const key = RoomKeys.refKey(room);
    checkParticipantId(participantId);
    if (typeof events?.onPublishersChanged !== 'function' || typeof events.onClosed !== 'function')
      throw new MediaProviderError(
        'invalid-argument',
        'join needs onPublishersChanged and onClosed handlers',
      );
    const creds = this.keys.credentials(room);
    const feedId = feedIdOf(creds.roomId, participantId);
    let janusSession: JanusSession | undefined;
    try {
      const link = await this.link();
      janusSession = await link.conn.createSession();
      const publisher = await janusSession.attach(VIDEOROOM);
      const joined = await this.joinAsPublisher(link, publisher, key, creds, feedId, participantId);
      const privateId = joined.private_id;
      if (typeof privateId !== 'number') throw new JanusConnectionError('Janus sent no private id on join');
      const session = new JanusMediaSession(this, {
        roomKey: key,
        creds,
        participantId,
        feedId,
        privateId,
        janusSession,
        publisher,
        events,
        feedIdOf: (id) => feedIdOf(creds.roomId, id),
      });
      if (this.closed) throw new MediaProviderError('provider-closed', 'the media provider is closed');
      this.sessions.add(session);
      session.start(joined.publishers);
      return session;
    } catch (err) {
      await janusSession?.destroy();
      throw providerError(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.sessions].map((s) => s.leave()));
    const link = this.current ?? (await this.connecting?.catch(() => undefined));
    this.current = undefined;
    link?.conn.close();
  }

  /** @internal */
  forget(session: JanusMediaSession): void {
    this.sessions.delete(session);
  }

  /** The open link, or a new one; fails fast while a failed attempt's backoff wait runs. */
  private link(): Promise<Link> {
    if (this.closed)
      return Promise.reject(new MediaProviderError('provider-closed', 'the media provider is closed'));
    if (this.current?.conn.isOpen) return Promise.resolve(this.current);
    if (this.connecting) return this.connecting;
    const wait = this.retryAt - Date.now();
    if (wait > 0)
      return Promise.reject(
        new MediaProviderError(
          'unavailable',
          `the media server (Janus) is unreachable; the next attempt is in ${Math.ceil(wait)} ms`,
        ),
      );
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Link> {
    let conn: JanusConnection | undefined;
    try {
      conn = await JanusConnection.open({
        url: this.opts.url,
        ...(this.opts.apiSecret !== undefined ? { apiSecret: this.opts.apiSecret } : {}),
        connectTimeoutMs: this.connectTimeoutMs,
        requestTimeoutMs: this.requestTimeoutMs,
        keepaliveMs: this.keepaliveMs,
      });
      const adminSession = await conn.createSession();
      const admin = await adminSession.attach(VIDEOROOM);
      if (this.closed) throw new MediaProviderError('provider-closed', 'the media provider is closed');
      const link: Link = { conn, admin };
      const reconnected = this.backoff.attemptCount > 0;
      this.backoff.reset();
      this.retryAt = 0;
      const opened = conn;
      // The admin session ending (Janus dropped it) leaves the link unusable: start over.
      adminSession.onEnd(() => {
        this.lost(link);
        opened.close();
      });
      opened.onClose(() => this.lost(link));
      this.current = link;
      this.logger.info({ provider: this.name, reconnected }, 'connected to the media server');
      return link;
    } catch (err) {
      conn?.close();
      if (err instanceof MediaProviderError && err.code === 'provider-closed') throw err;
      this.backoff.attempted();
      const retryInMs = Math.round(this.backoff.delayMs());
      this.retryAt = Date.now() + retryInMs;
      const failure = providerError(err);
      this.logger.warn(
        { provider: this.name, code: failure.code, attempts: this.backoff.attemptCount, retryInMs },
        'could not connect to the media server',
      );
      throw failure;
    }
  }

  private lost(link: Link): void {
    if (this.current === link) this.current = undefined;
    const sessions = [...this.sessions];
    this.logger.warn({ provider: this.name, sessions: sessions.length }, 'lost the media server connection');
    for (const session of sessions) session.end('provider-lost');
  }

  /** `create`, or, when the room exists, `edit` with our secret: proves it is ours and applies the cap. */
  private async createRoom(link: Link, creds: RoomCredentials, maxParticipants: number): Promise<void> {
    try {
      await link.admin.message({
        request: 'create',
        room: creds.roomId,
        permanent: false,
        description: 'openvisit',
        secret: creds.secret,
        pin: creds.pin,
        is_private: true,
        require_pvtid: true,
        publishers: maxParticipants,
        audiocodec: 'opus',
        videocodec: 'vp8,vp9,h264',
        notify_joining: false,
        audiolevel_event: false,
      });
    } catch (err) {
      if (!(err instanceof JanusError && err.code === ROOM_EXISTS)) throw err;
      try {
        await link.admin.message({
          request: 'edit',
          room: creds.roomId,
          secret: creds.secret,
          new_publishers: maxParticipants,
        });
      } catch (editErr) {
        if (editErr instanceof JanusError && editErr.code === UNAUTHORIZED)
          throw new MediaProviderError(
            'room-conflict',
            'the media room exists with other credentials: give every node the same JANUS_ROOM_KEY',
          );
        throw editErr;
      }
    }
  }

  /**
   * Joins as publisher under the participant's derived id. A participant still in the room (a
   * stale tab, another node) is kicked first; a room lost with a restarted Janus is created again
   * when this provider opened it.
   */
  private async joinAsPublisher(
    link: Link,
    handle: JanusHandle,
    key: string,
    creds: RoomCredentials,
    feedId: number,
    participantId: string,
  ): Promise<PluginData> {
    const request = {
      request: 'join',
      ptype: 'publisher',
      room: creds.roomId,
      pin: creds.pin,
      id: feedId,
      display: participantId,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const { data } = await handle.message(request);
        if (data.videoroom !== 'joined') throw new JanusConnectionError('Janus did not confirm the join');
        return data;
      } catch (err) {
        if (attempt > 0 || !(err instanceof JanusError)) throw err;
        if (err.code === ID_EXISTS) {
          await link.admin
            .message({ request: 'kick', room: creds.roomId, secret: creds.secret, id: feedId })
            .catch(() => {});
          continue;
        }
        const opened = this.rooms.get(key);
        if (err.code === NO_SUCH_ROOM && opened) {
          await this.createRoom(link, creds, opened.maxParticipants);
          continue;
        }
        throw err;
      }
    }
  }
}

interface SessionParts {
  roomKey: string;
  creds: RoomCredentials;
  participantId: string;
  feedId: number;
  privateId: number;
  janusSession: JanusSession;
  publisher: JanusHandle;
  events: MediaParticipantEvents;
  feedIdOf(participantId: string): number;
}

interface Subscription {
  handle: JanusHandle;
  feedId: number;
  /** The subscription's video m-lines (their mids in the subscriber's SDP). */
  videoMids: string[];
}

class JanusMediaSession implements MediaSession {
  readonly participantId: string;
  readonly roomKey: string;
  /** Other publishers: Janus feed id to participant id. */
  private readonly publishers = new Map<number, string>();
  private readonly subscriptions = new Map<string, Subscription>();
  private published = false;
  private publishedVideoMids: string[] = [];
  private audioOnly = false;
  private done = false;
  private lastReported: string | undefined;

  constructor(
    private readonly provider: JanusMediaProvider,
    private readonly parts: SessionParts,
  ) {
    this.participantId = parts.participantId;
    this.roomKey = parts.roomKey;
  }

  /** Listens, and reports the publishers already in the room once `join` has returned. */
  start(initial: unknown): void {
    this.addPublishers(initial);
    this.parts.publisher.onEvent((e) => this.onPublisherEvent(e));
    this.parts.janusSession.onEnd(() => this.end('provider-lost'));
    setImmediate(() => {
      if (this.lastReported === undefined) this.report(true);
    });
  }

  async publish(offer: Jsep): Promise<Jsep> {
    this.check();
    const jsep = checkJsep(offer, 'offer');
    try {
      const { data, jsep: answer } = await this.publishOnce(jsep);
      if (data.configured !== 'ok' || answer?.type !== 'answer' || typeof answer.sdp !== 'string')
        throw new JanusConnectionError('Janus did not answer the publish offer');
      this.published = true;
      this.publishedVideoMids = videoMids(jsep.sdp);
      if (this.audioOnly) await this.relayOwnVideo(false);
      return { type: 'answer', sdp: answer.sdp };
    } catch (err) {
      // Janus's core applies the offer before the plugin refuses it (e.g. the room is full): the
      // handle's half-made PeerConnection would make the next offer fail, so it is torn down.
      if (!this.published && err instanceof JanusError && err.plugin)
        await this.parts.publisher.hangup().catch(() => {});
      throw this.failure(err);
    }
  }

  /** `publish` (or `configure` to renegotiate), once Janus has finished tearing down a refused attempt. */
  private async publishOnce(jsep: JanusJsep): Promise<{ data: PluginData; jsep?: JanusJsep }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.parts.publisher.message(
          { request: this.published ? 'configure' : 'publish' },
          jsep,
        );
      } catch (err) {
        if (!(err instanceof JanusError && err.code === JANUS_WEBRTC_STATE) || attempt >= CLEANING_RETRIES)
          throw err;
        await new Promise((resolve) => setTimeout(resolve, CLEANING_WAIT_MS));
      }
    }
  }

  async subscribe(publisherId: string): Promise<MediaSubscription> {
    this.check();
    checkParticipantId(publisherId);
    if (publisherId === this.participantId)
      throw new MediaProviderError('invalid-argument', 'a participant cannot subscribe to itself');
    const feedId = this.parts.feedIdOf(publisherId);
    if (!this.publishers.has(feedId))
      throw new MediaProviderError('publisher-not-found', 'that participant is not publishing in the room');
    let handle: JanusHandle | undefined;
    try {
      handle = await this.parts.janusSession.attach(VIDEOROOM);
      const { data, jsep } = await handle.message({
        request: 'join',
        ptype: 'subscriber',
        room: this.parts.creds.roomId,
        pin: this.parts.creds.pin,
        private_id: this.parts.privateId,
        streams: [{ feed: feedId }],
      });
      if (data.videoroom !== 'attached' || jsep?.type !== 'offer' || typeof jsep.sdp !== 'string')
        throw new JanusConnectionError('Janus sent no subscription offer');
      const subscriptionId = randomUUID();
      const subscription: Subscription = { handle, feedId, videoMids: streamMids(data.streams, 'video') };
      this.subscriptions.set(subscriptionId, subscription);
      const subscribed = handle;
      subscribed.onEvent((e) => {
        if (e.kind === 'detached') this.subscriptions.delete(subscriptionId);
      });
      if (this.audioOnly) await this.relayVideoTo(subscription, false);
      if (this.done) throw new MediaProviderError('session-closed', 'the media session has ended');
      return { subscriptionId, offer: { type: 'offer', sdp: jsep.sdp } };
    } catch (err) {
      await handle?.detach();
      if (err instanceof JanusError && err.code === NO_SUCH_FEED)
        throw new MediaProviderError(
          'publisher-not-found',
          'that participant is not publishing in the room',
          {
            cause: err,
          },
        );
      throw this.failure(err);
    }
  }

  async answer(subscriptionId: string, answer: Jsep): Promise<void> {
    this.check();
    const subscription = this.subscription(subscriptionId);
    const jsep = checkJsep(answer, 'answer');
    try {
      const { data } = await subscription.handle.message({ request: 'start' }, jsep);
      if (data.started !== 'ok') throw new JanusConnectionError('Janus did not start the subscription');
    } catch (err) {
      throw this.failure(err);
    }
  }

  async trickle(target: 'publisher' | string, candidate: IceCandidate | null): Promise<void> {
    this.check();
    const handle = target === 'publisher' ? this.parts.publisher : this.subscription(target).handle;
    const line = candidate === null ? { completed: true } : checkCandidate(candidate);
    try {
      await handle.trickle(line);
    } catch (err) {
      // The candidate belongs to a PeerConnection Janus is tearing down (a refused offer): moot.
      if (err instanceof JanusError && err.code === JANUS_WEBRTC_STATE) return;
      throw this.failure(err);
    }
  }

  async unsubscribe(subscriptionId: string): Promise<void> {
    this.check();
    if (typeof subscriptionId !== 'string') throw unknownSubscription();
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription) return;
    this.subscriptions.delete(subscriptionId);
    await subscription.handle.detach();
  }

  async setAudioOnly(audioOnly: boolean): Promise<void> {
    this.check();
    if (typeof audioOnly !== 'boolean')
      throw new MediaProviderError('invalid-argument', 'audioOnly must be a boolean');
    this.audioOnly = audioOnly;
    try {
      if (this.published) await this.relayOwnVideo(!audioOnly);
      await Promise.all([...this.subscriptions.values()].map((s) => this.relayVideoTo(s, !audioOnly)));
    } catch (err) {
      throw this.failure(err);
    }
  }

  async leave(): Promise<void> {
    if (this.done) return;
    this.finish();
    await this.parts.janusSession.destroy();
  }

  /** Ends the session from the provider's side, telling the client once. */
  end(reason: MediaClosedReason): void {
    if (this.done) return;
    this.finish();
    void this.parts.janusSession.destroy();
    try {
      this.parts.events.onClosed(reason);
    } catch {
      // A throwing handler is the caller's bug; it must not break the provider.
    }
  }

  private finish(): void {
    this.done = true;
    this.subscriptions.clear();
    this.provider.forget(this);
  }

  /** A neutral error; a session Janus no longer knows ends here (the client must join again). */
  private failure(err: unknown): MediaProviderError {
    if (err instanceof JanusError && err.code === JANUS_SESSION_NOT_FOUND) {
      this.end('provider-lost');
      return new MediaProviderError('session-closed', 'the media session has ended', { cause: err });
    }
    return providerError(err);
  }

  private check(): void {
    if (this.done) throw new MediaProviderError('session-closed', 'the media session has ended');
  }

  private subscription(subscriptionId: string): Subscription {
    const subscription =
      typeof subscriptionId === 'string' ? this.subscriptions.get(subscriptionId) : undefined;
    if (!subscription) throw unknownSubscription();
    return subscription;
  }

  /** Whether Janus relays this participant's video to the subscribers (`send` per video mid). */
  private async relayOwnVideo(send: boolean): Promise<void> {
    for (const mid of this.publishedVideoMids)
      await this.parts.publisher.message({
        request: 'configure',
        mid,
        send,
        ...(send ? { keyframe: true } : {}),
      });
  }

  /** Whether Janus sends a subscription's video to this participant. */
  private async relayVideoTo(subscription: Subscription, send: boolean): Promise<void> {
    for (const mid of subscription.videoMids)
      await subscription.handle.message({ request: 'configure', mid, send });
  }

  private onPublisherEvent(event: HandleEvent): void {
    if (this.done) return;
    if (event.kind === 'detached') {
      this.end('provider-lost');
      return;
    }
    if (event.kind !== 'plugin') return;
    const data = event.data;
    if (data.videoroom === 'destroyed') {
      this.end('room-closed');
      return;
    }
    if (data.videoroom !== 'event') return;
    // This participant was kicked: only the provider kicks, to replace it with a newer join.
    if (data.leaving === 'ok' && data.reason === 'kicked') {
      this.end('replaced');
      return;
    }
    this.addPublishers(data.publishers);
    for (const gone of [data.unpublished, data.leaving, data.kicked])
      if (typeof gone === 'number') this.removePublisher(gone);
    this.report(false);
  }

  /** Adds the listed publishers that are participants of ours (display and id agree). */
  private addPublishers(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const entry of list as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { id, display } = entry as { id?: unknown; display?: unknown };
      if (typeof id !== 'number' || id === this.parts.feedId || !isParticipantId(display)) continue;
      if (this.parts.feedIdOf(display) === id) this.publishers.set(id, display);
    }
  }

  private removePublisher(feedId: number): void {
    if (!this.publishers.delete(feedId)) return;
    for (const [id, subscription] of this.subscriptions) {
      if (subscription.feedId !== feedId) continue;
      this.subscriptions.delete(id);
      void subscription.handle.detach();
    }
  }

  private report(always: boolean): void {
    if (this.done) return;
    const ids = [...this.publishers.values()].sort();
    const key = ids.join(',');
    if (!always && key === this.lastReported) return;
    this.lastReported = key;
    try {
      this.parts.events.onPublishersChanged(Object.freeze(ids));
    } catch {
      // See end().
    }
  }
}

function unknownSubscription(): MediaProviderError {
  return new MediaProviderError('invalid-argument', 'no such subscription in this session');
}

function checkJsep(value: Jsep, type: Jsep['type']): JanusJsep {
  if (typeof value !== 'object' || value === null || value.type !== type)
    throw new MediaProviderError('invalid-argument', `expected an SDP ${type}`);
  if (typeof value.sdp !== 'string' || !value.sdp.startsWith('v=0') || value.sdp.length > MAX_SDP_LENGTH)
    throw new MediaProviderError('invalid-argument', `the SDP ${type} is not a session description`);
  return { type, sdp: value.sdp };
}

function checkCandidate(value: IceCandidate): Record<string, unknown> {
  if (typeof value !== 'object' || value === null)
    throw new MediaProviderError('invalid-argument', 'a candidate must be an object or null');
  const { candidate, sdpMid, sdpMLineIndex } = value;
  if (typeof candidate !== 'string' || candidate.length > MAX_CANDIDATE_LENGTH || /[\r\n]/.test(candidate))
    throw new MediaProviderError('invalid-argument', 'a candidate must be one candidate line');
  if (sdpMid != null && (typeof sdpMid !== 'string' || sdpMid.length > 64))
    throw new MediaProviderError('invalid-argument', 'sdpMid must be a short string');
  if (sdpMLineIndex != null && (!Number.isInteger(sdpMLineIndex) || sdpMLineIndex < 0 || sdpMLineIndex > 255))
    throw new MediaProviderError('invalid-argument', 'sdpMLineIndex must be a small whole number');
  return {
    candidate,
    ...(sdpMid != null ? { sdpMid } : {}),
    ...(sdpMLineIndex != null ? { sdpMLineIndex } : {}),
  };
}

/** The mids of an SDP's video m-sections (what the publisher's `configure` addresses). */
function videoMids(sdp: string): string[] {
  const mids: string[] = [];
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    if (!section.startsWith('video ')) continue;
    const mid = /\r?\na=mid:(\S+)/.exec(section)?.[1];
    if (mid !== undefined) mids.push(mid);
  }
  return mids;
}

/** The mids of a subscription's streams of one type, from Janus's `streams` list. */
function streamMids(streams: unknown, type: 'audio' | 'video'): string[] {
  if (!Array.isArray(streams)) return [];
  return (streams as unknown[]).flatMap((s) => {
    const { type: t, mid } = (typeof s === 'object' && s !== null ? s : {}) as {
      type?: unknown;
      mid?: unknown;
    };
    return t === type && typeof mid === 'string' ? [mid] : [];
  });
}

/** A neutral error for anything thrown while talking to Janus; never the URL, secrets or SDP. */
export function providerError(err: unknown): MediaProviderError {
  if (err instanceof MediaProviderError) return err;
  if (err instanceof JanusTimeoutError)
    return new MediaProviderError('timeout', 'the media server (Janus) did not answer in time', {
      cause: err,
    });
  if (err instanceof JanusConnectionError)
    return new MediaProviderError('unavailable', `the media server (Janus) is unavailable: ${err.message}`, {
      cause: err,
    });
  if (err instanceof JanusError) {
    const cause = { cause: err };
    switch (err.code) {
      case JANUS_UNAUTHORIZED:
        return new MediaProviderError(
          'unavailable',
          'Janus refused the API secret (check JANUS_API_SECRET)',
          cause,
        );
      case NO_SUCH_ROOM:
        return new MediaProviderError('room-not-found', 'the media room is not open', cause);
      case PUBLISHERS_FULL:
        return new MediaProviderError('room-full', 'the media room has its most publishers already', cause);
      case UNAUTHORIZED:
        return new MediaProviderError(
          'room-conflict',
          'Janus refused the room credentials: give every node the same JANUS_ROOM_KEY',
          cause,
        );
      case NO_SUCH_FEED:
        return new MediaProviderError(
          'publisher-not-found',
          'that participant is not publishing in the room',
          cause,
        );
      default:
        return new MediaProviderError('rejected', `Janus refused the request (error ${err.code})`, cause);
    }
  }
  return new MediaProviderError('unavailable', 'the media server (Janus) failed unexpectedly', {
    cause: err,
  });
}
