/**
 * The media provider of multi-party visits: an SFU that the server drives. Browsers never talk to
 * the SFU's API. They hand their SDP and ICE candidates to OpenVisit, which relays them through a
 * `MediaSession`, and their media then flows between the browser and the SFU over ICE.
 *
 * The interface is provider-neutral. Janus implements it first (janus-provider.ts), and LiveKit or
 * a commercial SFU could implement it later. No provider type appears here, and provider errors
 * reach callers as a `MediaProviderError` with a neutral code.
 */

/** An SDP offer or answer, as `RTCSessionDescriptionInit` with a known type. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** A trickled ICE candidate, as `RTCIceCandidateInit`. */
export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** One visit's media room: a tenant's numeric id and the visit's UUID. */
export interface MediaRoomRef {
  tenantId: number;
  visitId: string;
}

export interface MediaRoomOptions {
  /** The most participants publishing at once (the SFU refuses a publisher beyond it): 1 to 64. */
  maxParticipants: number;
}

/** What the provider tells one participant's session. Called outside any request. Must not throw. */
export interface MediaParticipantEvents {
  /**
   * The other participants publishing now changed (the ids given to `join`, sorted). A participant
   * counts once its media reaches the SFU. Subscriptions to a participant who stopped publishing
   * have ended by the time this is called.
   */
  onPublishersChanged(publisherIds: readonly string[]): void;
  /**
   * The provider lost this participant: the room was closed, the participant joined again
   * elsewhere, or the SFU or the connection to it went away. The session is finished, and the
   * client must join again for media to flow.
   */
  onClosed(reason: MediaClosedReason): void;
}

export type MediaClosedReason =
  /** `closeRoom` ran, or the room vanished from the SFU. */
  | 'room-closed'
  /** The same participant id joined the room again (another tab, another node). */
  | 'replaced'
  /** The connection to the SFU dropped, or the SFU dropped the session. */
  | 'provider-lost';

/** A subscription to one publisher. `offer` goes to the browser, and its answer comes back through `answer`. */
export interface MediaSubscription {
  subscriptionId: string;
  offer: Jsep;
}

/**
 * One participant in one room. The browser has one peer connection for what it publishes and one
 * per subscription. The SFU's candidates are in its SDP, so only the browser trickles.
 */
export interface MediaSession {
  /** The opaque participant id given to `join`. */
  readonly participantId: string;
  /**
   * The browser's publish offer (audio and video, or audio only) in, the SFU's answer out. Called
   * again with a new offer, it renegotiates (for an ICE restart or a changed set of tracks).
   */
  publish(offer: Jsep): Promise<Jsep>;
  /** Ask to receive a publisher's media (an id from `onPublishersChanged`): the SFU's offer for the browser. */
  subscribe(publisherId: string): Promise<MediaSubscription>;
  /** The browser's answer to a subscription's offer. */
  answer(subscriptionId: string, answer: Jsep): Promise<void>;
  /** A trickled browser candidate for the publisher or a subscription; `null` ends the candidates. */
  trickle(target: 'publisher' | string, candidate: IceCandidate | null): Promise<void>;
  /** Ends one subscription; the browser closes its peer connection. Idempotent. */
  unsubscribe(subscriptionId: string): Promise<void>;
  /**
   * The visit's audio-only mode for this participant, switched without renegotiation: with `true`,
   * the SFU stops relaying this participant's video to the others and stops sending video to it
   * (also on later subscriptions); with `false`, both resume (with a fresh key frame). The
   * browser should also stop sending video (`RTCRtpSender.replaceTrack(null)`) to spare its uplink.
   */
  setAudioOnly(audioOnly: boolean): Promise<void>;
  /** Leaves the room: ends publishing and every subscription. No `onClosed` follows. Idempotent. */
  leave(): Promise<void>;
}

export interface MediaProvider {
  /** e.g. `janus`. */
  readonly name: string;
  /**
   * Makes the visit's room exist, with credentials that only the server holds. Idempotent: when
   * the room is already open, the new `maxParticipants` applies to later publishers.
   */
  openRoom(room: MediaRoomRef, opts: MediaRoomOptions): Promise<void>;
  /**
   * A participant enters an open room. `participantId` is an opaque id (letters, digits, `_`, `-`),
   * never a name: the SFU logs it. A second join with the same id replaces the first session,
   * which gets `onClosed('replaced')`.
   */
  join(room: MediaRoomRef, participantId: string, events: MediaParticipantEvents): Promise<MediaSession>;
  /** Ends the room and every session in it (`onClosed('room-closed')`). Idempotent. */
  closeRoom(room: MediaRoomRef): Promise<void>;
  /** Ends every session (without `onClosed`) and the connection to the SFU. Rooms stay open on the SFU. */
  close(): Promise<void>;
}

export type MediaProviderErrorCode =
  /** An argument is malformed (a room ref, participant id, SDP or subscription id). */
  | 'invalid-argument'
  /** The SFU cannot be reached or refused our credentials: multi-party media is down for now. */
  | 'unavailable'
  /** The room is not open (never opened, closed, or lost with a restarted SFU). */
  | 'room-not-found'
  /** The room already has `maxParticipants` publishers. */
  | 'room-full'
  /** The room exists on the SFU with credentials this server does not hold (see JANUS_ROOM_KEY). */
  | 'room-conflict'
  /** The session has left or was closed. */
  | 'session-closed'
  /** The publisher asked for is not publishing in the room. */
  | 'publisher-not-found'
  /** The SFU refused the request (e.g. an SDP it cannot use). */
  | 'rejected'
  /** The SFU did not answer in time. */
  | 'timeout'
  /** `close()` has run. */
  | 'provider-closed';

/** A provider failure with a neutral code. Messages never carry secrets, SDP or participant ids. */
export class MediaProviderError extends Error {
  override readonly name = 'MediaProviderError';

  constructor(
    readonly code: MediaProviderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
