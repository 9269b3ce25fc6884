import type { ClientMessage, Jsep, ServerMessage } from '../../../server/src/modules/visits/live/protocol.js';
import { candidateJson, newPeerConnection } from './peers.js';
import type { LocalMedia } from './call.js';

/**
 * This side of a multi-party call (call.ts hands it the `sfu-*` messages): one sending connection
 * to the media server (`sfu-publish`, its answer in `sfu-answer`) and one receiving connection per
 * other participant (`sfu-subscribe` offers, answered with `sfu-answer`). The SFU's candidates are
 * in its SDP; ours go up as `sfu-candidate`.
 */

export interface SfuLegOptions {
  send(message: ClientMessage): boolean;
  /** Something the page shows changed. */
  changed(): void;
  local: LocalMedia;
  /** The call's ICE servers and transport policy, as of now. */
  rtcConfig(): RTCConfiguration;
  /** The video to send now: the camera, a shared screen, or none (audio only). */
  videoTrack(): MediaStreamTrack | null;
}

/** One other participant, received over the SFU. */
export interface SfuSubscription {
  pc: RTCPeerConnection;
  publisherId: string;
  stream: MediaStream;
}

export class SfuLeg {
  private publisher: { pc: RTCPeerConnection; videoSender: RTCRtpSender | null } | null = null;
  private readonly subs = new Map<string, SfuSubscription>();
  /** Publish attempts since the call entered the SFU (a refused one is tried again, a few times). */
  tries = 0;

  constructor(private readonly opts: SfuLegOptions) {}

  get publishing(): boolean {
    return this.publisher !== null;
  }

  /** The sending connection (its state is the call's in a multi-party call). */
  get publisherPc(): RTCPeerConnection | undefined {
    return this.publisher?.pc;
  }

  /** The receiving connections, one per other participant. */
  subscriptions(): IterableIterator<SfuSubscription> {
    return this.subs.values();
  }

  /** Every connection, the sending one last. */
  connections(): RTCPeerConnection[] {
    return [...[...this.subs.values()].map((s) => s.pc), ...(this.publisher ? [this.publisher.pc] : [])];
  }

  /** Sends this side's camera and microphone (again: a previous publisher connection is closed). */
  publish(): void {
    this.publisher?.pc.close();
    const pc = newPeerConnection(this.opts.rtcConfig());
    const { stream: local, camera, mic } = this.opts.local;
    const streams = local ? [local] : [];
    if (mic) pc.addTransceiver(mic, { direction: 'sendonly', streams });
    const video = camera ? pc.addTransceiver(camera, { direction: 'sendonly', streams }) : null;
    this.publisher = { pc, videoSender: video?.sender ?? null };
    this.tries += 1;
    this.applyVideo();
    pc.onicecandidate = (e) =>
      this.opts.send({ t: 'sfu-candidate', target: 'publisher', candidate: candidateJson(e.candidate) });
    pc.onconnectionstatechange = () => this.opts.changed();
    void (async () => {
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = pc.localDescription?.sdp ?? '';
      this.opts.send({ t: 'sfu-publish', jsep: { type: 'offer', sdp } });
    })().catch(() => undefined);
  }

  /** Puts the video the call sends now on the publisher (nothing to renegotiate). */
  applyVideo(): void {
    const sender = this.publisher?.videoSender;
    const track = this.opts.videoTrack();
    if (sender && sender.track !== track) void sender.replaceTrack(track).catch(() => undefined);
  }

  answer(jsep: Jsep): void {
    const pub = this.publisher;
    if (!pub || jsep.type !== 'answer') return;
    void pub.pc.setRemoteDescription(jsep).catch(() => undefined);
  }

  subscribe(m: Extract<ServerMessage, { t: 'sfu-subscribe' }>): void {
    if (m.jsep.type !== 'offer') return;
    this.subs.get(m.subscriptionId)?.pc.close();
    // One connection (and one tile) per publisher: a new subscription to them replaces the old one.
    for (const [id, sub] of this.subs)
      if (sub.publisherId === m.publisherId && id !== m.subscriptionId) {
        sub.pc.close();
        this.subs.delete(id);
      }
    const pc = newPeerConnection(this.opts.rtcConfig());
    const stream = new MediaStream();
    this.subs.set(m.subscriptionId, { pc, publisherId: m.publisherId, stream });
    pc.ontrack = (e) => {
      stream.addTrack(e.track);
      this.opts.changed();
    };
    pc.onicecandidate = (e) =>
      this.opts.send({ t: 'sfu-candidate', target: m.subscriptionId, candidate: candidateJson(e.candidate) });
    pc.onconnectionstatechange = () => this.opts.changed();
    void (async () => {
      await pc.setRemoteDescription(m.jsep);
      await pc.setLocalDescription(await pc.createAnswer());
      const sdp = pc.localDescription?.sdp ?? '';
      this.opts.send({ t: 'sfu-answer', subscriptionId: m.subscriptionId, jsep: { type: 'answer', sdp } });
    })().catch(() => undefined);
    this.opts.changed();
  }

  unsubscribed(subscriptionId: string): void {
    const sub = this.subs.get(subscriptionId);
    if (!sub) return;
    sub.pc.close();
    this.subs.delete(subscriptionId);
    this.opts.changed();
  }

  /** Closes every connection of the leg. */
  close(): void {
    this.publisher?.pc.close();
    this.publisher = null;
    for (const s of this.subs.values()) s.pc.close();
    this.subs.clear();
  }
}
