import { randomUUID } from 'node:crypto';
import {
  JANUS_SESSION_NOT_FOUND,
  JANUS_WEBRTC_STATE,
  JanusConnectionError,
  JanusError,
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
  type MediaSession,
  type MediaSubscription,
} from './provider.js';
import { checkParticipantId, isParticipantId, type RoomCredentials } from './room-credentials.js';
import { NO_SUCH_FEED, VIDEOROOM, providerError } from './janus-videoroom.js';

/**
 * One participant's place in a Janus VideoRoom (janus-provider.ts opens it): a Janus session with
 * its publisher handle, and a subscriber handle per subscription, each one peer connection in the
 * browser. What a browser hands over (SDP, candidates) is checked before it reaches Janus.
 */

/** Bounds on what a browser may hand us: an SDP and a candidate line. */
const MAX_SDP_LENGTH = 128 * 1024;
const MAX_CANDIDATE_LENGTH = 1024;
/** Janus tears a refused PeerConnection down asynchronously: a new offer waits for it, this long at most. */
const CLEANING_RETRIES = 20;
const CLEANING_WAIT_MS = 100;

/** What a session tells its provider: it ended, and the provider should forget it. */
export interface SessionOwner {
  forget(session: JanusMediaSession): void;
}

export interface SessionParts {
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

export class JanusMediaSession implements MediaSession {
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
    private readonly provider: SessionOwner,
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
