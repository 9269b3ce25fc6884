import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { IceCandidate, Jsep, MediaSession } from '../../src/modules/visits/media/index.js';

/**
 * A participant's browser side of a multi-party visit, in Chromium: one peer connection that
 * publishes the fake camera and microphone, and one per subscription. The page never talks to
 * Janus: the test relays its SDP and trickled candidates to the provider's MediaSession, as the
 * signaling server will.
 *
 * The page script is plain JavaScript in a string: the test build has no DOM types, and tsx would
 * wrap functions passed to `page.evaluate` in a `__name` helper that does not exist in the page.
 */

/** One inbound-rtp report of a subscription (getStats). */
export interface InboundSample {
  kind: 'audio' | 'video';
  bytesReceived: number;
  packetsReceived: number;
  /** Video only. */
  framesDecoded: number;
}

/** The page's `window.ovMedia`: publishes, answers subscriptions, reads stats. */
const PAGE_SCRIPT = `(() => {
  const pcs = new Map();
  let stream;
  const open = (target) => {
    if (pcs.has(target)) pcs.get(target).close();
    const pc = new RTCPeerConnection({ iceServers: [] });
    pc.addEventListener('icecandidate', (e) => {
      window.ovCandidate(target, e.candidate ? e.candidate.toJSON() : null);
    });
    pcs.set(target, pc);
    return pc;
  };
  const get = (target) => {
    const pc = pcs.get(target);
    if (!pc) throw new Error('no peer connection for ' + target);
    return pc;
  };
  window.ovMedia = {
    async publishOffer() {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: 320, height: 240, frameRate: 15 },
      });
      const pc = open('publisher');
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription(await pc.createOffer());
      return { type: 'offer', sdp: pc.localDescription.sdp };
    },
    async setAnswer(target, answer) {
      await get(target).setRemoteDescription(answer);
    },
    async answerOffer(target, offer) {
      const pc = open(target);
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      return { type: 'answer', sdp: pc.localDescription.sdp };
    },
    connectionState(target) {
      return get(target).connectionState;
    },
    async inbound(target) {
      const stats = await get(target).getStats();
      const out = [];
      for (const r of stats.values()) {
        if (r.type !== 'inbound-rtp') continue;
        out.push({
          kind: r.kind,
          bytesReceived: r.bytesReceived || 0,
          packetsReceived: r.packetsReceived || 0,
          framesDecoded: r.framesDecoded || 0,
        });
      }
      return out;
    },
    /** The selected candidate pair's local and remote addresses. */
    async selectedPair(target) {
      const stats = await get(target).getStats();
      for (const r of stats.values()) {
        if (r.type !== 'transport' || !r.selectedCandidatePairId) continue;
        const pair = stats.get(r.selectedCandidatePairId);
        return { local: stats.get(pair.localCandidateId).address, remote: stats.get(pair.remoteCandidateId).address };
      }
      return null;
    },
    close(target) {
      const pc = pcs.get(target);
      if (pc) pc.close();
      pcs.delete(target);
    },
  };
})()`;

/** Bound on each step in a page. */
const BOUND_MS = 20_000;

/** A page wired to one participant's MediaSession: candidates go to `session.trickle`. */
export class MediaPage {
  /** Failures of relaying trickled candidates to the provider (none expected). */
  readonly trickleErrors: string[] = [];
  private session: MediaSession | undefined;

  private constructor(readonly page: Page) {}

  /** `origin` is a page server's (see `startPageServer`): getUserMedia needs a secure context. */
  static async open(page: Page, origin: string): Promise<MediaPage> {
    const media = new MediaPage(page);
    await page.exposeBinding(
      'ovCandidate',
      async (_source, target: string, candidate: IceCandidate | null) => {
        const session = media.session;
        if (!session) return;
        await session.trickle(target, candidate).catch((err: Error) => {
          media.trickleErrors.push(`${target}: ${err.message}`);
        });
      },
    );
    await page.goto(`${origin}/`);
    await page.evaluate(PAGE_SCRIPT);
    return media;
  }

  attach(session: MediaSession): void {
    this.session = session;
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    const list = args.map((a) => JSON.stringify(a)).join(', ');
    return Promise.race([
      this.page.evaluate(`window.ovMedia.${method}(${list})`) as Promise<T>,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${method} did not finish in ${BOUND_MS} ms`)), BOUND_MS).unref(),
      ),
    ]);
  }

  publishOffer = () => this.call<Jsep>('publishOffer');
  setAnswer = (target: string, answer: Jsep) => this.call<void>('setAnswer', target, answer);
  answerOffer = (target: string, offer: Jsep) => this.call<Jsep>('answerOffer', target, offer);
  connectionState = (target: string) => this.call<string>('connectionState', target);
  inbound = (target: string) => this.call<InboundSample[]>('inbound', target);
  selectedPair = (target: string) =>
    this.call<{ local: string; remote: string } | null>('selectedPair', target);
  close = (target: string) => this.call<void>('close', target);
}

/**
 * An empty page on http://127.0.0.1, which browsers treat as a secure context (about:blank is not
 * one, and has no `navigator.mediaDevices`).
 */
export async function startPageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>OpenVisit media test</title></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
