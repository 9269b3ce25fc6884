import type {
  ClientMessage,
  GuestKind,
  Jsep,
  PeerInfo,
  ServerMessage,
} from '../../../server/src/modules/visits/live/protocol.js';
import { candidateJson, newPeerConnection } from './peers.js';
import { SfuLeg } from './sfu-leg.js';
import { mediaStarted, statsOf, statsSnapshot } from './stats.js';

/**
 * The media of a visit in the browser: WebRTC between the participants, negotiated through the
 * visit socket (`call` knows nothing of sockets: it is handed messages and a `send`).
 *
 * 1:1 (`p2p`): one RTCPeerConnection to the other participant, with the "perfect negotiation"
 * pattern (W3C WebRTC 1.0, section 10.7): the clinician (`offerer` in `welcome`) is impolite and
 * makes the offers; the patient is polite and gives way on a collision. When the other side joins,
 * the offerer starts a connection (`pc: 'new'`: they have none) or restarts ICE on the one they
 * share (`pc: 'existing'`: they resumed after a drop). ICE servers come with every `welcome`, fresh
 * TURN credentials each time, and are applied to a connection that lives on.
 *
 * Multi-party (`sfu`): sfu-leg.ts, one connection to the media server to send and one per other
 * participant to receive.
 *
 * Audio only stops sending video with `replaceTrack(null)` (a disabled track would still send black
 * frames); the remote video is hidden by the page.
 */

export type Role = PeerInfo['role'];
export type { GuestKind };
export type Modality = 'video' | 'audio';

type Welcome = Extract<ServerMessage, { t: 'welcome' }>;
type PeerMessage = Extract<ServerMessage, { t: 'peer' }>;
type SignalMessage = Extract<ServerMessage, { t: 'signal' }>;

/** The camera, microphone and screen this side sends. */
export interface LocalMedia {
  stream: MediaStream | null;
  camera: MediaStreamTrack | null;
  mic: MediaStreamTrack | null;
}

/** One remote participant as the page shows them. */
export interface RemoteTile {
  id: string;
  role: Role | null;
  /** A guest's invitation role (interpreter, caregiver, second clinician). */
  kind?: GuestKind;
  stream: MediaStream;
  hasVideo: boolean;
}

export interface CallView {
  mode: 'p2p' | 'sfu';
  modality: Modality;
  tiles: RemoteTile[];
  /** The 1:1 connection's state, or the publisher's in a multi-party call; `none` before any. */
  connectionState: RTCPeerConnectionState | 'none';
  /** The other side's media has started (first video frame decoded, or audio flowing). */
  mediaReady: boolean;
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  /** Others in the visit now (by participant id), with their roles. */
  present: { id: string; role: Role; kind?: GuestKind }[];
}

export interface CallOptions {
  send(message: ClientMessage): boolean;
  /** Something the page shows changed. */
  changed(): void;
  local: LocalMedia;
  /** The page's clock (`performance.now()`), for the media setup time. */
  now?: () => number;
  /** How often a quality report goes up. */
  qualityEveryMs?: number;
}

/** A quality report every 3 s: the server's degradation policy counts in seconds of samples. */
export const QUALITY_EVERY_MS = 3_000;
const READY_POLL_MS = 250;
/** A call whose media has not started after this long is reported failed (once). */
const READY_GIVE_UP_MS = 60_000;
const PUBLISH_RETRIES = 8;

interface P2pLink {
  pc: RTCPeerConnection;
  remoteId: string;
  /**
   * Which connection the signals are for: the offerer names each connection it starts, and every
   * signal carries the name, so that neither side applies an old connection's description or
   * candidates to a new one (a reload, a policy change).
   */
  session: string;
  /** The ICE transport policy the connection was made with (it cannot change on a live one). */
  policy: RTCIceTransportPolicy;
  stream: MediaStream;
  makingOffer: boolean;
  ignoreOffer: boolean;
  videoSender: RTCRtpSender | null;
}

function isDescription(v: unknown): v is RTCSessionDescriptionInit {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    ['offer', 'answer', 'pranswer', 'rollback'].includes(d.type as string) &&
    (d.sdp === undefined || typeof d.sdp === 'string')
  );
}

function isCandidate(v: unknown): v is RTCIceCandidateInit | null {
  return (
    v === null || (typeof v === 'object' && typeof (v as { candidate?: unknown }).candidate === 'string')
  );
}

export class Call {
  private offerer = false;
  private iceServers: RTCIceServer[] = [];
  private policy: RTCIceTransportPolicy = 'all';
  private mode: 'p2p' | 'sfu' = 'p2p';
  private modality: Modality = 'video';
  private p2p: P2pLink | null = null;
  /** The 1:1 signaling messages being handled, in order. */
  private signals: Promise<void> = Promise.resolve();
  private readonly sfu: SfuLeg;
  private readonly peers = new Map<
    string,
    { role: Role; kind?: GuestKind | undefined; conn: string; present: boolean }
  >();
  private screen: MediaStreamTrack | null = null;
  private mediaReady = false;
  private readyFailed = false;
  private startedAt: number | null = null;
  private readyTimer: ReturnType<typeof setInterval> | null = null;
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: CallOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.sfu = new SfuLeg({
      send: (m) => opts.send(m),
      changed: () => opts.changed(),
      local: opts.local,
      rtcConfig: () => this.rtcConfig(),
      videoTrack: () => this.videoTrack(),
    });
  }

  /** The call begins for this side (admitted, or back in an admitted visit): setup time counts from here. */
  begin(): void {
    if (this.startedAt !== null || this.closed) return;
    this.startedAt = this.now();
    // A multi-party visit entered before the call began (in the waiting room) publishes now.
    if (this.mode === 'sfu' && !this.sfu.publishing) this.sfu.publish();
    this.qualityTimer = setInterval(
      () => void this.reportQuality(),
      this.opts.qualityEveryMs ?? QUALITY_EVERY_MS,
    );
    this.readyTimer = setInterval(() => void this.checkReady(), READY_POLL_MS);
  }

  /** Every live RTCPeerConnection of the call. */
  connections(): RTCPeerConnection[] {
    const all = [this.p2p?.pc, ...this.sfu.connections()];
    return all.filter((pc): pc is RTCPeerConnection => !!pc && pc.connectionState !== 'closed');
  }

  /** Whether the 1:1 connection is still there to resume (said in a reconnecting hello). */
  hasConnection(): boolean {
    if (this.mode === 'sfu') return false;
    return !!this.p2p && this.p2p.pc.connectionState !== 'closed';
  }

  view(): CallView {
    const tiles: RemoteTile[] = [];
    const who = (id: string) => {
      const peer = this.peers.get(id);
      return { id, role: peer?.role ?? null, ...(peer?.kind ? { kind: peer.kind } : {}) };
    };
    if (this.mode === 'p2p' && this.p2p && this.p2p.stream.getTracks().length > 0)
      tiles.push({
        ...who(this.p2p.remoteId),
        stream: this.p2p.stream,
        hasVideo: this.p2p.stream.getVideoTracks().length > 0,
      });
    if (this.mode === 'sfu')
      for (const s of this.sfu.subscriptions())
        tiles.push({
          ...who(s.publisherId),
          stream: s.stream,
          hasVideo: s.stream.getVideoTracks().length > 0,
        });
    const main = this.mode === 'p2p' ? this.p2p?.pc : this.sfu.publisherPc;
    return {
      mode: this.mode,
      modality: this.modality,
      tiles,
      connectionState: main?.connectionState ?? 'none',
      mediaReady: this.mediaReady,
      micOn: this.opts.local.mic?.enabled ?? false,
      cameraOn: this.opts.local.camera?.enabled ?? false,
      sharing: this.screen !== null,
      present: [...this.peers]
        .filter(([, p]) => p.present)
        .map(([id, p]) => ({ id, role: p.role, ...(p.kind ? { kind: p.kind } : {}) })),
    };
  }

  // ---- messages from the socket ----

  welcome(w: Welcome): void {
    this.offerer = w.offerer;
    this.iceServers = w.iceServers;
    this.policy = w.iceTransportPolicy === 'relay' ? 'relay' : 'all';
    if (w.modality === 'audio' || w.modality === 'video') this.modality = w.modality;
    // Fresh TURN credentials for the connections that live on.
    for (const pc of this.connections()) this.configure(pc);
    const p = this.p2p;
    if (p && p.policy !== this.policy && !this.offerer) {
      // A live connection keeps the candidates its policy allowed (browsers apply a new policy to
      // nothing already gathered, even across an ICE restart): ask the offerer for a new one. The
      // offerer, on its side, starts one when it next hears the other side (see `peer`).
      this.closeP2p();
      this.opts.send({ t: 'signal', to: p.remoteId, data: { renew: true } });
    }
    if (w.media === 'sfu') this.enterSfu();
    else if (this.mode === 'sfu') this.leaveSfu();
    this.opts.changed();
  }

  peer(m: PeerMessage): void {
    if (m.state === 'joined') {
      this.peers.set(m.id, { role: m.role, kind: m.kind, conn: m.conn, present: true });
      if (this.mode === 'p2p' && !this.closed) {
        if (this.offerer) {
          const p = this.p2p;
          // Someone else arriving while the 1:1 partner is here: the server moves the visit to the SFU.
          if (
            p &&
            p.remoteId !== m.id &&
            this.peers.get(p.remoteId)?.present &&
            p.pc.connectionState !== 'closed'
          )
            return this.opts.changed();
          if (
            !p ||
            m.pc === 'new' ||
            p.remoteId !== m.id ||
            p.pc.connectionState === 'closed' ||
            p.policy !== this.policy
          )
            this.startP2p(m.id);
          else this.restartIce();
        } else if (m.pc === 'new' && this.p2p?.remoteId === m.id) {
          // They start afresh: their next offer is for a new connection.
          this.closeP2p();
        }
      }
    } else {
      const known = this.peers.get(m.id);
      // A `left` of an older socket than the last `joined` (a resume overtook the drop) is stale.
      if (!known || known.conn !== m.conn) return;
      known.present = false;
    }
    this.opts.changed();
  }

  signal(m: SignalMessage): void {
    if (this.mode !== 'p2p' || this.closed) return;
    const data = m.data as { description?: unknown; candidate?: unknown; session?: unknown; renew?: unknown };
    const session = typeof data.session === 'string' ? data.session : null;
    const run = async () => {
      if (data.renew === true) {
        // The other side needs a new connection (it dropped its own).
        if (this.offerer) this.startP2p(m.from);
      } else if (data.description !== undefined) {
        if (!isDescription(data.description)) return;
        await this.onDescription(m.from, session, data.description);
      } else if ('candidate' in data && isCandidate(data.candidate)) {
        const p = this.p2p;
        if (!p || p.remoteId !== m.from || data.candidate === null) return;
        if (session !== null && session !== p.session) return;
        try {
          await p.pc.addIceCandidate(data.candidate);
        } catch {
          // A candidate of an offer ignored in a collision, or of a connection since replaced.
        }
      }
    };
    // One at a time, in order: a candidate waits for the description before it.
    this.signals = this.signals.then(run).catch(() => undefined);
  }

  setModality(modality: Modality): void {
    this.modality = modality;
    this.applyVideo();
    this.opts.changed();
  }

  mediaMode(mode: 'p2p' | 'sfu'): void {
    if (mode === 'p2p' && this.mode === 'p2p') return;
    if (mode === 'sfu') this.enterSfu();
    else this.leaveSfu();
    this.opts.changed();
  }

  sfuAnswer(jsep: Jsep): void {
    this.sfu.answer(jsep);
  }

  sfuSubscribe(m: Extract<ServerMessage, { t: 'sfu-subscribe' }>): void {
    if (!this.closed) this.sfu.subscribe(m);
  }

  sfuUnsubscribed(subscriptionId: string): void {
    this.sfu.unsubscribed(subscriptionId);
  }

  /** The server could not take the publish yet (the SFU link was still opening): try again. */
  publishRefused(): void {
    if (this.mode !== 'sfu' || this.closed || this.sfu.tries >= PUBLISH_RETRIES) return;
    setTimeout(
      () => {
        if (this.mode === 'sfu' && !this.closed) this.sfu.publish();
      },
      300 * 2 ** this.sfu.tries,
    );
  }

  // ---- the user's controls ----

  toggleMic(): void {
    const mic = this.opts.local.mic;
    if (mic) mic.enabled = !mic.enabled;
    this.opts.changed();
  }

  toggleCamera(): void {
    const camera = this.opts.local.camera;
    if (camera) camera.enabled = !camera.enabled;
    this.opts.changed();
  }

  /** Shares a screen or window in place of the camera; the camera comes back when it ends. */
  async shareScreen(): Promise<void> {
    if (this.screen) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    if (this.closed) {
      track.stop();
      return;
    }
    this.screen = track;
    track.addEventListener('ended', () => this.stopSharing());
    this.applyVideo();
    this.opts.changed();
  }

  stopSharing(): void {
    if (!this.screen) return;
    this.screen.stop();
    this.screen = null;
    this.applyVideo();
    this.opts.changed();
  }

  close(): void {
    this.closed = true;
    if (this.readyTimer !== null) clearInterval(this.readyTimer);
    if (this.qualityTimer !== null) clearInterval(this.qualityTimer);
    this.readyTimer = this.qualityTimer = null;
    this.screen?.stop();
    this.screen = null;
    this.closeP2p();
    this.sfu.close();
  }

  // ---- 1:1 ----

  private rtcConfig(): RTCConfiguration {
    return { iceServers: this.iceServers, iceTransportPolicy: this.policy };
  }

  /** Fresh ICE servers for a live connection (its transport policy is for good: see `welcome`). */
  private configure(pc: RTCPeerConnection): void {
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: this.iceServers });
    } catch {
      // A browser that refuses to change a live configuration keeps the old servers.
    }
  }

  private sendSignal(link: P2pLink, data: Record<string, unknown>): void {
    this.opts.send({ t: 'signal', to: link.remoteId, data: { ...data, session: link.session } });
  }

  /** A new 1:1 connection: the offerer names it; the polite side takes the name from the offer. */
  private startP2p(remoteId: string, session: string = crypto.randomUUID()): P2pLink {
    this.closeP2p();
    const pc = newPeerConnection(this.rtcConfig());
    const { stream: local, camera, mic } = this.opts.local;
    const link: P2pLink = {
      pc,
      remoteId,
      session,
      policy: this.policy,
      stream: new MediaStream(),
      makingOffer: false,
      ignoreOffer: false,
      videoSender: null,
    };
    this.p2p = link;
    const streams = local ? [local] : [];
    if (mic) pc.addTrack(mic, ...streams);
    else if (this.offerer) pc.addTransceiver('audio', { direction: 'recvonly' });
    if (camera) link.videoSender = pc.addTrack(camera, ...streams);
    else if (this.offerer) pc.addTransceiver('video', { direction: 'recvonly' });
    this.applyVideo();

    pc.onnegotiationneeded = async () => {
      try {
        link.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) this.sendSignal(link, { description: pc.localDescription.toJSON() });
      } catch {
        // Superseded by the other side's offer (the polite side rolls back).
      } finally {
        link.makingOffer = false;
      }
    };
    pc.onicecandidate = (e) => this.sendSignal(link, { candidate: candidateJson(e.candidate) });
    pc.ontrack = (e) => {
      if (!link.stream.getTracks().includes(e.track)) link.stream.addTrack(e.track);
      e.track.addEventListener('ended', () => {
        link.stream.removeTrack(e.track);
        this.opts.changed();
      });
      this.opts.changed();
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && this.offerer && this.p2p === link) pc.restartIce();
      this.opts.changed();
    };
    this.opts.changed();
    return link;
  }

  private async onDescription(
    from: string,
    session: string | null,
    description: RTCSessionDescriptionInit,
  ): Promise<void> {
    let link = this.p2p;
    const current =
      link &&
      link.remoteId === from &&
      link.pc.connectionState !== 'closed' &&
      (session === null || session === link.session);
    if (!current) {
      // The offerer hears nothing of connections it no longer has; the polite side's connection
      // starts with the other side's offer (a new name: a new connection).
      if (this.offerer || description.type !== 'offer') return;
      link = this.startP2p(from, session ?? crypto.randomUUID());
    }
    if (!link) return;
    const pc = link.pc;
    const collision = description.type === 'offer' && (link.makingOffer || pc.signalingState !== 'stable');
    link.ignoreOffer = this.offerer && collision;
    if (link.ignoreOffer) return;
    await pc.setRemoteDescription(description);
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      if (pc.localDescription) this.sendSignal(link, { description: pc.localDescription.toJSON() });
    }
  }

  private restartIce(): void {
    const p = this.p2p;
    if (!p) return;
    this.configure(p.pc);
    p.pc.restartIce();
  }

  private closeP2p(): void {
    const p = this.p2p;
    if (!p) return;
    this.p2p = null;
    p.pc.onnegotiationneeded = p.pc.onicecandidate = p.pc.ontrack = p.pc.onconnectionstatechange = null;
    p.pc.close();
    p.stream.getTracks().forEach((t) => p.stream.removeTrack(t));
  }

  /** What the video senders send: the screen, else the camera; nothing in audio only. */
  private videoTrack(): MediaStreamTrack | null {
    return this.modality === 'audio' ? null : (this.screen ?? this.opts.local.camera);
  }

  /** Puts that video on the 1:1 connection and on the SFU publisher (nothing to renegotiate). */
  private applyVideo(): void {
    const track = this.videoTrack();
    const sender = this.p2p?.videoSender;
    if (sender && sender.track !== track) void sender.replaceTrack(track).catch(() => undefined);
    this.sfu.applyVideo();
  }

  // ---- multi-party ----

  private enterSfu(): void {
    if (this.closed) return;
    this.closeP2p();
    this.sfu.close();
    this.mode = 'sfu';
    this.sfu.tries = 0;
    // The server takes a publish only in a visit in progress: a waiting side publishes at `begin`.
    if (this.startedAt !== null) this.sfu.publish();
  }

  private leaveSfu(): void {
    this.sfu.close();
    this.mode = 'p2p';
    // Back to 1:1: the offerer connects to whoever is still here.
    if (this.offerer) {
      const other = [...this.peers].find(([, p]) => p.present);
      if (other) this.startP2p(other[0]);
    }
  }

  // ---- telemetry ----

  /** The connections that receive the other side's media (and the publisher, for its round trip). */
  private receiving(): RTCPeerConnection[] {
    return this.mode === 'p2p' ? (this.p2p ? [this.p2p.pc] : []) : this.sfu.connections();
  }

  private async snapshot() {
    const pcs = this.receiving().filter((pc) => pc.connectionState !== 'closed');
    if (pcs.length === 0) return null;
    const reports = await Promise.all(pcs.map((pc) => statsOf(pc).catch(() => [])));
    return statsSnapshot(reports, Date.now());
  }

  private async reportQuality(): Promise<void> {
    if (this.closed) return;
    const snap = await this.snapshot();
    if (snap && (snap.audio || snap.video)) this.opts.send({ t: 'quality', stats: snap });
  }

  private async checkReady(): Promise<void> {
    if (this.closed || this.mediaReady || this.startedAt === null) return;
    const elapsed = this.now() - this.startedAt;
    const snap = await this.snapshot();
    if (this.mediaReady || this.closed) return;
    const expectVideo = this.modality === 'video' && this.view().tiles.some((t) => t.hasVideo);
    if (snap && mediaStarted(snap, expectVideo)) {
      // Sent once; while the socket is down it is tried again on the next poll.
      if (!this.opts.send({ t: 'media', event: 'ready', setupMs: Math.max(0, Math.round(elapsed)) })) return;
      this.mediaReady = true;
      if (this.readyTimer !== null) clearInterval(this.readyTimer);
      this.readyTimer = null;
      this.opts.changed();
    } else if (elapsed > READY_GIVE_UP_MS && !this.readyFailed) {
      this.readyFailed = true;
      this.opts.send({ t: 'media', event: 'failed' });
    }
  }
}
