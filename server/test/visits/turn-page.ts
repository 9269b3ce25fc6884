import type { Page } from 'playwright-core';
import type { IceServer } from '../../src/modules/visits/ice/index.js';

/**
 * The WebRTC the TURN tests run in Chromium. The page scripts are plain JavaScript in strings: the
 * test build has no DOM types, and tsx would wrap functions passed to `page.evaluate` in a `__name`
 * helper that does not exist in the page.
 */

/** What each side of a relayed call saw. */
export interface RelayCallResult {
  /** The message each side received over the data channel. */
  receivedByA: string;
  receivedByB: string;
  /** Each side's selected candidate pair (`getStats`): candidate types and the pair's state. */
  selected: { side: 'a' | 'b'; local: string; remote: string; state: string; protocol: string }[];
  connectionStates: string[];
  candidateErrors: CandidateError[];
  /** `addIceCandidate` failures (none expected). */
  addErrors: string[];
}

export interface CandidateError {
  errorCode: number;
  errorText: string;
  url: string;
}

/** What one peer connection gathered. */
export interface GatherResult {
  /** `iceGatheringState` at the end: `complete` when the browser gave up on every server. */
  gatheringState: string;
  candidateTypes: string[];
  candidateErrors: CandidateError[];
}

/**
 * Two peer connections in the page, relay only, signalling each other directly: trickled
 * candidates wait for the other side's remote description, as a signaling server would deliver
 * them. A data channel carries one message each way; then each side reads its selected pair.
 */
const RELAY_CALL = `async ({ iceServers, boundMs }) => {
  const bounded = (promise, what) => Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(what + ' (waited ' + boundMs + ' ms)')), boundMs)),
  ]);
  const a = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  const b = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  const candidateErrors = [];
  const addErrors = [];
  // Resolved once a side has the other's description: only then may it take the other's candidates.
  const remoteSet = new Map();
  const markRemoteSet = new Map();
  for (const pc of [a, b]) remoteSet.set(pc, new Promise((resolve) => markRemoteSet.set(pc, resolve)));
  for (const [pc, other] of [[a, b], [b, a]]) {
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate)
        remoteSet.get(other)
          .then(() => other.addIceCandidate(e.candidate))
          .catch((err) => addErrors.push(String(err)));
    });
    pc.addEventListener('icecandidateerror', (e) =>
      candidateErrors.push({ errorCode: e.errorCode, errorText: e.errorText, url: e.url }));
  }
  const ready = (pc) => markRemoteSet.get(pc)();
  const opened = (channel) => channel.readyState === 'open'
    ? Promise.resolve(channel)
    : new Promise((resolve) => channel.addEventListener('open', () => resolve(channel), { once: true }));
  const nextMessage = (channel) =>
    new Promise((resolve) => channel.addEventListener('message', (e) => resolve(e.data), { once: true }));
  try {
    const channelA = a.createDataChannel('visit-chat');
    const channelB = new Promise((resolve) =>
      b.addEventListener('datachannel', (e) => resolve(e.channel), { once: true }));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    ready(b);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    ready(a);
    await bounded(opened(channelA), 'the data channel did not open');
    const openB = await bounded(channelB.then(opened), 'the answering side got no data channel');
    const toB = nextMessage(openB);
    channelA.send('hello from a');
    const receivedByB = await bounded(toB, 'b received nothing');
    const toA = nextMessage(channelA);
    openB.send('hello from b');
    const receivedByA = await bounded(toA, 'a received nothing');
    const selected = [];
    for (const [side, pc] of [['a', a], ['b', b]]) {
      const stats = await pc.getStats();
      for (const report of stats.values()) {
        if (report.type !== 'transport' || !report.selectedCandidatePairId) continue;
        const pair = stats.get(report.selectedCandidatePairId);
        const local = stats.get(pair.localCandidateId);
        const remote = stats.get(pair.remoteCandidateId);
        selected.push({
          side,
          local: local.candidateType,
          remote: remote.candidateType,
          state: pair.state,
          protocol: local.relayProtocol || local.protocol,
        });
      }
    }
    return { receivedByA, receivedByB, selected, connectionStates: [a.connectionState, b.connectionState], candidateErrors, addErrors };
  } finally {
    a.close();
    b.close();
  }
}`;

/**
 * One relay-only peer connection gathering candidates until the browser is done with every ICE
 * server (gathering `complete`), recording the candidates and the servers' errors.
 */
const GATHER = `async ({ iceServers, boundMs }) => {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  const candidateTypes = [];
  const candidateErrors = [];
  pc.addEventListener('icecandidate', (e) => { if (e.candidate) candidateTypes.push(e.candidate.type); });
  pc.addEventListener('icecandidateerror', (e) =>
    candidateErrors.push({ errorCode: e.errorCode, errorText: e.errorText, url: e.url }));
  try {
    const complete = new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    }));
    pc.createDataChannel('visit-chat');
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, boundMs))]);
    return { gatheringState: pc.iceGatheringState, candidateTypes, candidateErrors };
  } finally {
    pc.close();
  }
}`;

/** Bound on each step in the page; they take well under a second on loopback. */
const BOUND_MS = 20_000;

const call = <T>(page: Page, script: string, iceServers: IceServer[]): Promise<T> =>
  page.evaluate(`(${script})(${JSON.stringify({ iceServers, boundMs: BOUND_MS })})`) as Promise<T>;

export const relayCall = (page: Page, iceServers: IceServer[]) =>
  call<RelayCallResult>(page, RELAY_CALL, iceServers);

export const gatherRelayCandidates = (page: Page, iceServers: IceServer[]) =>
  call<GatherResult>(page, GATHER, iceServers);
