import type { MediaStatsSnapshot, StatsSnapshot } from '../../../server/src/modules/visits/quality/index.js';

/**
 * The quality report a call sends every few seconds (`{t:'quality', stats}`), from the browser's
 * `getStats()` in the shape of server/src/modules/visits/quality/sample.ts: per kind, what was
 * received (cumulative bytes, packets, loss, frames decoded), the current jitter, and the round trip
 * from `remote-inbound-rtp` (what the other side's receiver reports of our stream) or, failing that,
 * the selected candidate pair. Plain records in, so that it runs on a recorded report too.
 */

type Stat = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The selected candidate pair of one report (via its transport, else the nominated succeeded pair). */
export function selectedPair(stats: readonly Stat[]): Stat | undefined {
  const byId = new Map(stats.map((s) => [s.id, s]));
  for (const s of stats) {
    if (s.type !== 'transport' || typeof s.selectedCandidatePairId !== 'string') continue;
    const pair = byId.get(s.selectedCandidatePairId);
    if (pair) return pair;
  }
  return stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
}

/** The local and remote candidate types of the selected pair (`host`, `srflx`, `relay`…). */
export function selectedCandidateTypes(stats: readonly Stat[]): { local?: string; remote?: string } {
  const pair = selectedPair(stats);
  if (!pair) return {};
  const byId = new Map(stats.map((s) => [s.id, s]));
  const type = (id: unknown) => {
    const c = typeof id === 'string' ? byId.get(id) : undefined;
    return typeof c?.candidateType === 'string' ? c.candidateType : undefined;
  };
  const local = type(pair.localCandidateId);
  const remote = type(pair.remoteCandidateId);
  return { ...(local ? { local } : {}), ...(remote ? { remote } : {}) };
}

/**
 * One snapshot from the reports of every receiving RTCPeerConnection of the call (one in a 1:1
 * call; the subscriptions and the publisher in a multi-party one): counters add up across reports,
 * jitter is the worst, the round trip the first one known. `fallbackNow` stamps a report without
 * a timestamp.
 */
export function statsSnapshot(reports: readonly (readonly Stat[])[], fallbackNow: number): StatsSnapshot {
  let timestampMs = 0;
  const kinds: Record<'audio' | 'video', MediaStatsSnapshot | undefined> = {
    audio: undefined,
    video: undefined,
  };
  const remoteRtt: Partial<Record<'audio' | 'video', number>> = {};
  let pairRtt: number | undefined;
  const add = (target: MediaStatsSnapshot, key: keyof MediaStatsSnapshot, v: number | undefined) => {
    if (v === undefined) return;
    target[key] = (target[key] ?? 0) + v;
  };
  for (const stats of reports) {
    for (const s of stats) {
      const ts = num(s.timestamp);
      if (ts !== undefined && ts > timestampMs) timestampMs = ts;
      const kind = s.kind === 'audio' || s.kind === 'video' ? s.kind : null;
      if (s.type === 'inbound-rtp' && kind) {
        const k = (kinds[kind] ??= {});
        add(k, 'bytesReceived', num(s.bytesReceived));
        add(k, 'packetsReceived', num(s.packetsReceived));
        add(k, 'packetsLost', num(s.packetsLost));
        if (kind === 'video') add(k, 'framesDecoded', num(s.framesDecoded));
        const jitter = num(s.jitter);
        if (jitter !== undefined && jitter > (k.jitter ?? -1)) k.jitter = jitter;
      }
      if (s.type === 'remote-inbound-rtp' && kind) {
        const rtt = num(s.roundTripTime);
        if (rtt !== undefined && remoteRtt[kind] === undefined) remoteRtt[kind] = rtt;
      }
    }
    pairRtt ??= num(selectedPair(stats)?.currentRoundTripTime);
  }
  const out: StatsSnapshot = { timestampMs: Math.round(timestampMs || fallbackNow) };
  for (const kind of ['audio', 'video'] as const) {
    const k = kinds[kind];
    if (!k) continue;
    const rtt = remoteRtt[kind] ?? remoteRtt[kind === 'audio' ? 'video' : 'audio'] ?? pairRtt;
    out[kind] = rtt === undefined ? k : { ...k, roundTripTime: rtt };
  }
  return out;
}

/** The report of a peer connection as plain records. */
export async function statsOf(pc: RTCPeerConnection): Promise<Stat[]> {
  const report = await pc.getStats();
  const out: Stat[] = [];
  report.forEach((s: Stat) => out.push(s));
  return out;
}

/**
 * Whether the remote side's media has started: a video frame decoded, or, when no video is
 * expected (audio only), audio bytes received.
 */
export function mediaStarted(snapshot: StatsSnapshot, expectVideo: boolean): boolean {
  if (expectVideo) return (snapshot.video?.framesDecoded ?? 0) > 0;
  return (snapshot.audio?.bytesReceived ?? 0) > 0;
}
