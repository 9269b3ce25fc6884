import type { IceCandidate } from '../../../server/src/modules/visits/live/protocol.js';

/**
 * `window.__openvisitPeers`: every RTCPeerConnection the visit pages create, in order. It holds
 * nothing the page does not already have (the connections are the page's own), exposes no API, and
 * lets tools that drive the page (the end-to-end test in Chromium, a support engineer in DevTools)
 * read `getStats()` of the real call in a production build. Closed connections are dropped from
 * the list as new ones are made; readers skip any still there.
 */
declare global {
  interface Window {
    __openvisitPeers?: RTCPeerConnection[];
  }
}

/** A new RTCPeerConnection, recorded in `window.__openvisitPeers`. */
export function newPeerConnection(config: RTCConfiguration): RTCPeerConnection {
  const pc = new RTCPeerConnection(config);
  const list = (window.__openvisitPeers ??= []);
  const open = list.filter((p) => p.connectionState !== 'closed');
  list.splice(0, list.length, ...open, pc);
  return pc;
}

/** A local ICE candidate as the visit socket carries it (null: gathering is complete). */
export function candidateJson(c: RTCIceCandidate | null): IceCandidate | null {
  if (!c) return null;
  const j = c.toJSON();
  return { candidate: j.candidate ?? '', sdpMid: j.sdpMid ?? null, sdpMLineIndex: j.sdpMLineIndex ?? null };
}
