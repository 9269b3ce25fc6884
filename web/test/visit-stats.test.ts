import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mediaStarted,
  selectedCandidateTypes,
  selectedPair,
  statsOf,
  statsSnapshot,
} from '../src/visits/stats.js';

/**
 * The quality report built from `getStats()`: a report is faked as a Map of plain records (what an
 * RTCStatsReport is to `forEach`), as Chromium gives them: round-trip times in seconds, cumulative
 * counters, one record per RTP stream.
 */

type Stat = Record<string, unknown>;

/** A stand-in for an RTCPeerConnection: only `getStats()`, answering a Map-like report. */
function fakePc(stats: Stat[]): RTCPeerConnection {
  const report = new Map(stats.map((s) => [s.id as string, s]));
  return { getStats: () => Promise.resolve(report) } as unknown as RTCPeerConnection;
}

const inboundAudio: Stat = {
  id: 'IA1',
  type: 'inbound-rtp',
  kind: 'audio',
  timestamp: 1_700_000_000_500.4,
  bytesReceived: 48_000,
  packetsReceived: 400,
  packetsLost: 4,
  jitter: 0.012,
};
const inboundVideo: Stat = {
  id: 'IV1',
  type: 'inbound-rtp',
  kind: 'video',
  timestamp: 1_700_000_000_400,
  bytesReceived: 900_000,
  packetsReceived: 800,
  packetsLost: 0,
  jitter: 0.03,
  framesDecoded: 120,
};
const remoteInboundAudio: Stat = {
  id: 'RIA1',
  type: 'remote-inbound-rtp',
  kind: 'audio',
  timestamp: 1_700_000_000_300,
  roundTripTime: 0.085,
};
const transport: Stat = { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP2' };
const pairs: Stat[] = [
  { id: 'CP1', type: 'candidate-pair', state: 'failed', currentRoundTripTime: 9, localCandidateId: 'L1' },
  {
    id: 'CP2',
    type: 'candidate-pair',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.2,
    localCandidateId: 'L2',
    remoteCandidateId: 'R2',
  },
  { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
  { id: 'R2', type: 'remote-candidate', candidateType: 'srflx' },
];

describe('the quality snapshot from getStats()', () => {
  it('reads a Map-like report into plain records', async () => {
    const records = await statsOf(fakePc([inboundAudio, inboundVideo]));
    assert.deepEqual(
      records.map((r) => r.id),
      ['IA1', 'IV1'],
    );
  });

  it('takes counters per kind, frames decoded for video, and the round trip in seconds', async () => {
    const report = await statsOf(
      fakePc([inboundAudio, inboundVideo, remoteInboundAudio, transport, ...pairs]),
    );
    const snap = statsSnapshot([report], 42);
    assert.equal(snap.timestampMs, 1_700_000_000_500, 'the newest record, rounded to a millisecond');
    assert.deepEqual(snap.audio, {
      bytesReceived: 48_000,
      packetsReceived: 400,
      packetsLost: 4,
      jitter: 0.012,
      roundTripTime: 0.085,
    });
    // Video has no remote-inbound-rtp of its own here: audio's round trip stands for it.
    assert.deepEqual(snap.video, {
      bytesReceived: 900_000,
      packetsReceived: 800,
      packetsLost: 0,
      jitter: 0.03,
      framesDecoded: 120,
      roundTripTime: 0.085,
    });
    assert.equal(snap.audio && 'framesDecoded' in snap.audio, false, 'no frames for audio');
  });

  it('falls back to the selected candidate pair for the round trip (seconds, not milliseconds)', () => {
    const snap = statsSnapshot([[inboundAudio, transport, ...pairs]], 42);
    assert.equal(snap.audio?.roundTripTime, 0.2, 'the transport’s selected pair, not the failed one');
    // Without a transport record: the nominated, succeeded pair.
    const noTransport = statsSnapshot([[inboundAudio, ...pairs]], 42);
    assert.equal(noTransport.audio?.roundTripTime, 0.2);
  });

  it('leaves out what the report does not say', () => {
    const bare: Stat = { id: 'IA', type: 'inbound-rtp', kind: 'audio', bytesReceived: 10 };
    const snap = statsSnapshot([[bare, { id: 'x', type: 'inbound-rtp', kind: 'data' }]], 1234.6);
    assert.equal(snap.video, undefined, 'no video stream, no video entry');
    assert.deepEqual(snap, { timestampMs: 1235, audio: { bytesReceived: 10 } }, 'no RTT: none invented');
    // Non-numbers and non-finite numbers are missing fields too.
    const odd = statsSnapshot(
      [
        [
          {
            id: 'IA',
            type: 'inbound-rtp',
            kind: 'audio',
            bytesReceived: '10',
            jitter: Number.NaN,
            packetsLost: 2,
          },
        ],
      ],
      5,
    );
    assert.deepEqual(odd.audio, { packetsLost: 2 });
    assert.deepEqual(statsSnapshot([], 7), { timestampMs: 7 }, 'an empty report: only the fallback time');
  });

  it('adds counters across connections, keeps the worst jitter and the first round trip known', () => {
    const a: Stat[] = [
      { ...inboundAudio, id: 'A', jitter: 0.01 },
      { ...remoteInboundAudio, id: 'RA', roundTripTime: 0.05 },
    ];
    const b: Stat[] = [
      { ...inboundAudio, id: 'B', bytesReceived: 2_000, packetsReceived: 10, packetsLost: 1, jitter: 0.04 },
      { ...remoteInboundAudio, id: 'RB', roundTripTime: 0.5 },
      { ...inboundVideo, id: 'V', framesDecoded: 30 },
      { ...inboundVideo, id: 'V2', framesDecoded: 12, bytesReceived: 100 },
    ];
    const snap = statsSnapshot([a, b], 0);
    assert.equal(snap.audio?.bytesReceived, 50_000);
    assert.equal(snap.audio?.packetsReceived, 410);
    assert.equal(snap.audio?.packetsLost, 5);
    assert.equal(snap.audio?.jitter, 0.04);
    assert.equal(snap.audio?.roundTripTime, 0.05);
    assert.equal(snap.video?.framesDecoded, 42);
  });

  it('names the selected pair’s candidate types', () => {
    assert.equal(selectedPair([transport, ...pairs])?.id, 'CP2');
    assert.deepEqual(selectedCandidateTypes([transport, ...pairs]), { local: 'relay', remote: 'srflx' });
    assert.deepEqual(selectedCandidateTypes([inboundAudio]), {});
    // A pair whose candidates are not in the report: no types rather than undefined ones.
    assert.deepEqual(
      selectedCandidateTypes([{ id: 'P', type: 'candidate-pair', nominated: true, state: 'succeeded' }]),
      {},
    );
  });

  it('says media started on the first decoded frame, or on audio when no video is expected', () => {
    assert.equal(mediaStarted({ timestampMs: 0 }, true), false);
    assert.equal(
      mediaStarted({ timestampMs: 0, video: { framesDecoded: 0, bytesReceived: 500 } }, true),
      false,
    );
    assert.equal(mediaStarted({ timestampMs: 0, video: { framesDecoded: 1 } }, true), true);
    assert.equal(mediaStarted({ timestampMs: 0, audio: { bytesReceived: 1 } }, true), false);
    assert.equal(mediaStarted({ timestampMs: 0, audio: { bytesReceived: 1 } }, false), true);
    assert.equal(mediaStarted({ timestampMs: 0, audio: { bytesReceived: 0 } }, false), false);
  });
});
