/**
 * The visit WebSocket's messages (JSON text frames), shared with the web app. The first message
 * from the client is `hello` with a ticket from `POST /api/visits/{id}/join` (or a `resume` token
 * from an earlier `welcome`, or a queue ticket); the server closes a socket that does not say hello
 * within 10 s. Signaling payloads (`signal.data`) are relayed as they are, to participants of the
 * same visit only, and only once the visit is in progress.
 */
import type { IceServer } from '../ice/index.js';
import type { IceCandidate, Jsep } from '../media/provider.js';
import type { StatsSnapshot } from '../quality/index.js';

export type ClientMessage =
  | {
      t: 'hello';
      ticket: string;
      /** Whether the client still has its peer connection (resume). */ pc?: 'new' | 'existing';
    }
  | { t: 'ping'; id?: number }
  | { t: 'signal'; to?: string; data: Record<string, unknown> }
  | { t: 'chat'; text: string }
  | { t: 'quality'; stats: StatsSnapshot }
  | { t: 'modality'; modality: 'video' | 'audio' }
  | { t: 'offer-declined' }
  | { t: 'media'; event: 'ready'; setupMs: number }
  | { t: 'media'; event: 'failed' }
  /** SFU mode (a visit of more than two): the browser's publish offer, its answers and candidates. */
  | { t: 'sfu-publish'; jsep: Jsep }
  | { t: 'sfu-answer'; subscriptionId: string; jsep: Jsep }
  | { t: 'sfu-candidate'; target: 'publisher' | string; candidate: IceCandidate | null };

export type { IceCandidate, Jsep };

/** What a guest was invited as: a role, never a name (the pages label a guest's tile by it). */
export type GuestKind = 'caregiver' | 'interpreter' | 'secondary-clinician';

export interface PeerInfo {
  id: string;
  role: 'patient' | 'clinician' | 'guest';
  /** A guest's invitation role. */
  kind?: GuestKind;
}

export type ServerMessage =
  | {
      t: 'welcome';
      participantId: string;
      role: PeerInfo['role'];
      kind?: GuestKind;
      /** Opens a new socket for this participant after a drop, without admission again. */
      resume: string;
      status: string;
      modality: string | null;
      iceServers: IceServer[];
      /** `RTCConfiguration.iceTransportPolicy`: `relay` when the deployment allows TURN relays only. */
      iceTransportPolicy: 'all' | 'relay';
      /** Whether this participant makes the WebRTC offers (the clinician). */
      offerer: boolean;
      /**
       * `p2p`: one RTCPeerConnection to the other participant, negotiated through `signal`.
       * `sfu`: through the media server — publish with `sfu-publish`, receive each other
       * participant through the `sfu-subscribe` offers the server sends.
       */
      media: 'p2p' | 'sfu';
    }
  /**
   * The visit moved to the media server (a third participant joined): drop P2P, publish to the SFU.
   * Sent once this socket's place on the media server is ready, so a publish right away is taken.
   */
  | { t: 'media-mode'; mode: 'p2p' | 'sfu' }
  | { t: 'sfu-answer'; jsep: Jsep }
  /** Receive `publisherId` (a participant id): answer with `sfu-answer` for this subscription. */
  | { t: 'sfu-subscribe'; subscriptionId: string; publisherId: string; jsep: Jsep }
  | { t: 'sfu-unsubscribed'; subscriptionId: string; publisherId: string }
  | { t: 'wait'; position: number; etaMinutes: number }
  | { t: 'queue'; waiting: number }
  | { t: 'status'; status: string; modality: string | null }
  | {
      t: 'peer';
      id: string;
      role: PeerInfo['role'];
      kind?: GuestKind;
      state: 'joined' | 'left';
      /** The socket: a `left` of an older socket than the last `joined` is stale and ignored. */
      conn: string;
      pc?: 'new' | 'existing';
    }
  | { t: 'signal'; from: string; data: Record<string, unknown> }
  | { t: 'chat'; id: string; from: string; text: string; sent: string }
  | { t: 'modality'; modality: string; trigger: 'user' | 'automatic' }
  | {
      t: 'advice';
      action:
        | 'offer-audio-only'
        | 'switch-audio-only'
        | 'offer-video-again'
        | 'withdraw-offer'
        | 'advise-phone-bridge';
    }
  | { t: 'pong'; id?: number }
  | { t: 'error'; code: string; message: string };

/** Close codes (4000–4999 are the application's). */
export const CLOSE = {
  unauthenticated: 4401,
  forbidden: 4403,
  /** The same participant connected again elsewhere. */
  replaced: 4409,
  /** The visit is over (or cancelled): do not reconnect. */
  visitOver: 4410,
  tooFast: 4429,
} as const;
