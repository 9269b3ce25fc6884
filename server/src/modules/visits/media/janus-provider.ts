import { ReconnectBackoff, type BackoffOptions } from '../signaling/reconnect-backoff.js';
import {
  JanusConnection,
  JanusConnectionError,
  JanusError,
  type JanusHandle,
  type JanusSession,
  type PluginData,
} from './janus-client.js';
import {
  MediaProviderError,
  type MediaParticipantEvents,
  type MediaProvider,
  type MediaRoomOptions,
  type MediaRoomRef,
  type MediaSession,
} from './provider.js';
import {
  checkParticipantId,
  feedId as feedIdOf,
  RoomKeys,
  randomRoomKey,
  type RoomCredentials,
} from './room-credentials.js';
import { JanusMediaSession } from './janus-session.js';
import {
  ID_EXISTS,
  NO_SUCH_ROOM,
  ROOM_EXISTS,
  UNAUTHORIZED,
  VIDEOROOM,
  providerError,
} from './janus-videoroom.js';

/** The most publishers a room may be opened for. */
export const MAX_PARTICIPANTS = 64;

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
