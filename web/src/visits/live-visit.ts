import type { ServerMessage } from '../../../server/src/modules/visits/live/protocol.js';
import {
  socketUrl,
  type PhoneBridge,
  type RedeemedInvitation,
  type SocketTicket,
  type Visits,
} from '../api/visits.js';
import { Call, type CallView, type GuestKind, type LocalMedia, type Modality, type Role } from './call.js';
import { VisitConnection, type ConnectionState } from './connection.js';

/**
 * One participant's live visit in the browser, from the waiting room to the end of the call: the
 * camera and microphone, the visit socket (join ticket, hello, resume after a drop), what it says
 * (place in the queue, status, chat, advice, modality) and the call's media. The page reads
 * `snapshot()` (a new object on every change, for useSyncExternalStore) and calls the actions.
 */

export interface ChatLine {
  id: string;
  from: string;
  mine: boolean;
  text: string;
  sent: string;
}

export type Advice = 'offer-audio-only' | 'offer-video-again';
export type Notice = 'switched-audio' | 'switched-audio-automatic' | 'switched-video';
export type BridgeState =
  | { state: 'none' }
  | { state: 'loading' }
  | { state: 'ready'; bridge: PhoneBridge }
  | { state: 'unavailable' }
  | { state: 'failed' };

/**
 * How this participant gets into the visit: a ticket for the socket, a fresh one after a long drop,
 * the phone bridge. A patient or clinician asks the visit API; a guest has their invitation only.
 */
export interface VisitAccess {
  /** The first ticket for the visit socket. */
  join(): Promise<SocketTicket>;
  /** A new ticket when a resume is refused after a long drop; none: such a refusal is final. */
  renew?: () => Promise<string>;
  /** The dial-in number and PIN; null when there is none for this participant or service. */
  phoneBridge(): Promise<PhoneBridge | null>;
  /** Each welcome's resume token, for a participant who keeps it past a reload (a guest). */
  resumed?: (token: string) => void;
}

/** A signed-in participant (patient or clinician): the visit API, under their token. */
export function memberAccess(visits: Visits, visitId: string): VisitAccess {
  return {
    join: () => visits.join(visitId),
    renew: async () => (await visits.join(visitId)).ticket,
    phoneBridge: () => visits.phoneBridge(visitId),
  };
}

/**
 * A guest: their invitation is redeemed (once) for the first ticket; with no account they cannot
 * ask for another, nor for the phone bridge (the resume token of each welcome carries a drop).
 * `keep` gets the invitation with each resume token, so that a reload can rejoin (guest-resume.ts).
 */
export function guestAccess(
  redeem: () => Promise<RedeemedInvitation>,
  keep?: (invitation: RedeemedInvitation, resume: string) => void,
): VisitAccess {
  let redeemed: RedeemedInvitation | null = null;
  return {
    join: async () => (redeemed = await redeem()),
    phoneBridge: async () => null,
    ...(keep ? { resumed: (token: string) => redeemed && keep(redeemed, token) } : {}),
  };
}

/** How the camera and microphone came out (`none` while asking). */
export type DeviceState = 'asking' | 'ok' | 'audio-only' | 'none';

export interface LiveSnapshot {
  connection: ConnectionState;
  /** Drops so far (each resumed or being resumed). */
  reconnects: number;
  /** The join itself failed (the visit could not be joined). */
  joinError: unknown;
  role: Role | null;
  /** A guest's invitation role. */
  kind: GuestKind | null;
  participantId: string | null;
  status: string | null;
  wait: { position: number; etaMinutes: number } | null;
  local: { stream: MediaStream | null; devices: DeviceState };
  call: CallView;
  chat: ChatLine[];
  advice: Advice | null;
  notice: Notice | null;
  bridge: BridgeState;
}

/** Camera and microphone together, else the microphone alone (an audio visit), else nothing. */
async function acquireLocal(): Promise<{ media: LocalMedia; devices: DeviceState }> {
  const md = navigator.mediaDevices as MediaDevices | undefined;
  if (!md?.getUserMedia) return { media: { stream: null, camera: null, mic: null }, devices: 'none' };
  try {
    const stream = await md.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
    return {
      media: { stream, camera: stream.getVideoTracks()[0] ?? null, mic: stream.getAudioTracks()[0] ?? null },
      devices: 'ok',
    };
  } catch {
    try {
      const stream = await md.getUserMedia({ audio: true });
      return {
        media: { stream, camera: null, mic: stream.getAudioTracks()[0] ?? null },
        devices: 'audio-only',
      };
    } catch {
      return { media: { stream: null, camera: null, mic: null }, devices: 'none' };
    }
  }
}

export class LiveVisit {
  private readonly listeners = new Set<() => void>();
  private readonly local: LocalMedia = { stream: null, camera: null, mic: null };
  private readonly call: Call;
  private connection: VisitConnection | null = null;
  private state: LiveSnapshot;
  private stopped = false;

  constructor(private readonly access: VisitAccess) {
    this.call = new Call({
      send: (m) => this.connection?.send(m) ?? false,
      changed: () => this.update({}),
      local: this.local,
    });
    this.state = {
      connection: 'connecting',
      reconnects: 0,
      joinError: null,
      role: null,
      kind: null,
      participantId: null,
      status: null,
      wait: null,
      local: { stream: null, devices: 'asking' },
      call: this.call.view(),
      chat: [],
      advice: null,
      notice: null,
      bridge: { state: 'none' },
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): LiveSnapshot => this.state;

  /** Cameras first (the waiting room shows the self-view), then the socket. */
  async start(): Promise<void> {
    const { media, devices } = await acquireLocal();
    if (this.stopped) {
      media.stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    Object.assign(this.local, media);
    this.update({ local: { stream: media.stream, devices } });
    try {
      const joined = await this.access.join();
      if (this.stopped) return;
      this.connection = new VisitConnection({
        url: socketUrl(joined.socketPath),
        ticket: joined.ticket,
        ...(this.access.renew ? { renewTicket: this.access.renew } : {}),
        pcState: () => (this.call.hasConnection() ? 'existing' : 'new'),
        onMessage: (m) => this.onMessage(m),
        onState: (connection, { reconnects }) => this.update({ connection, reconnects }),
      });
    } catch (joinError) {
      if (!this.stopped) this.update({ joinError, connection: 'refused' });
    }
  }

  stop(): void {
    this.stopped = true;
    this.connection?.close();
    this.call.close();
    this.local.stream?.getTracks().forEach((t) => t.stop());
  }

  // ---- actions ----

  sendChat(text: string): boolean {
    const trimmed = text.trim();
    if (!trimmed) return false;
    return this.connection?.send({ t: 'chat', text: trimmed }) ?? false;
  }

  /** Asks for a modality: it changes when the server says so, for both sides. */
  requestModality(modality: Modality): boolean {
    return this.connection?.send({ t: 'modality', modality }) ?? false;
  }

  acceptAdvice(): void {
    const advice = this.state.advice;
    if (advice === 'offer-audio-only') this.requestModality('audio');
    if (advice === 'offer-video-again') this.requestModality('video');
    this.update({ advice: null });
  }

  declineAdvice(): void {
    if (this.state.advice) this.connection?.send({ t: 'offer-declined' });
    this.update({ advice: null });
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  toggleMic(): void {
    this.call.toggleMic();
  }

  toggleCamera(): void {
    this.call.toggleCamera();
  }

  shareScreen(): Promise<void> {
    return this.call.shareScreen();
  }

  stopSharing(): void {
    this.call.stopSharing();
  }

  /** The phone bridge's number and PIN (when the connection stays too poor even for audio). */
  async phoneBridge(): Promise<void> {
    if (this.state.bridge.state === 'loading' || this.state.bridge.state === 'ready') return;
    this.update({ bridge: { state: 'loading' } });
    try {
      const bridge = await this.access.phoneBridge();
      this.update({ bridge: bridge ? { state: 'ready', bridge } : { state: 'unavailable' } });
    } catch {
      this.update({ bridge: { state: 'failed' } });
    }
  }

  // ---- the socket ----

  private onMessage(m: ServerMessage): void {
    switch (m.t) {
      case 'welcome':
        this.access.resumed?.(m.resume);
        this.call.welcome(m);
        this.update({
          role: m.role,
          kind: m.kind ?? null,
          participantId: m.participantId,
          status: m.status,
        });
        if (m.status === 'in-progress') this.call.begin();
        return;
      case 'status':
        this.update({ status: m.status, ...(m.status !== 'arrived' ? { wait: null } : {}) });
        if (m.status === 'in-progress') this.call.begin();
        if (m.modality === 'audio' || m.modality === 'video') this.call.setModality(m.modality);
        return;
      case 'wait':
        this.update({ wait: { position: m.position, etaMinutes: m.etaMinutes } });
        return;
      case 'peer':
        this.call.peer(m);
        return;
      case 'signal':
        this.call.signal(m);
        return;
      case 'chat':
        if (this.state.chat.some((c) => c.id === m.id)) return;
        this.update({
          chat: [
            ...this.state.chat,
            { id: m.id, from: m.from, mine: m.from === this.state.participantId, text: m.text, sent: m.sent },
          ],
        });
        return;
      case 'modality': {
        const modality: Modality = m.modality === 'audio' ? 'audio' : 'video';
        this.call.setModality(modality);
        this.update({
          advice: null,
          notice:
            modality === 'video'
              ? 'switched-video'
              : m.trigger === 'automatic'
                ? 'switched-audio-automatic'
                : 'switched-audio',
        });
        return;
      }
      case 'advice':
        switch (m.action) {
          case 'offer-audio-only':
          case 'offer-video-again':
            this.update({ advice: m.action });
            return;
          case 'withdraw-offer':
            this.update({ advice: null });
            return;
          case 'switch-audio-only':
            // The modality message that follows switches; say why.
            this.update({ advice: null, notice: 'switched-audio-automatic' });
            return;
          case 'advise-phone-bridge':
            void this.phoneBridge();
            return;
        }
        return;
      case 'media-mode':
        this.call.mediaMode(m.mode);
        return;
      case 'sfu-answer':
        this.call.sfuAnswer(m.jsep);
        return;
      case 'sfu-subscribe':
        this.call.sfuSubscribe(m);
        return;
      case 'sfu-unsubscribed':
        this.call.sfuUnsubscribed(m.subscriptionId);
        return;
      case 'error':
        if (m.code === 'not-sfu') this.call.publishRefused();
        return;
      default:
        return;
    }
  }

  private update(patch: Partial<LiveSnapshot>): void {
    this.state = { ...this.state, ...patch, call: this.call.view() };
    for (const l of this.listeners) l();
  }
}
