import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  estimateMos,
  G711,
  qualitySample,
  QualityInputError,
  type MediaStatsSnapshot,
  type StatsSnapshot,
} from '../../src/modules/visits/quality/index.js';

const T0 = 1_700_000_000_000;

const audioAt = (s: Partial<MediaStatsSnapshot> = {}): MediaStatsSnapshot => ({
  bytesReceived: 0,
  packetsReceived: 0,
  packetsLost: 0,
  jitter: 0.02,
  roundTripTime: 0.1,
  ...s,
});
const videoAt = (s: Partial<MediaStatsSnapshot> = {}): MediaStatsSnapshot => ({
  bytesReceived: 0,
  packetsReceived: 0,
  packetsLost: 0,
  jitter: 0.03,
  roundTripTime: 0.1,
  framesDecoded: 0,
  ...s,
});

/** Two snapshots five seconds apart. */
const first: StatsSnapshot = {
  timestampMs: T0,
  audio: audioAt({ bytesReceived: 10_000, packetsReceived: 500, packetsLost: 5 }),
  video: videoAt({ bytesReceived: 1_000_000, packetsReceived: 1_000, packetsLost: 10, framesDecoded: 300 }),
};
const second: StatsSnapshot = {
  timestampMs: T0 + 5_000,
  audio: audioAt({
    bytesReceived: 30_000,
    packetsReceived: 748,
    packetsLost: 7,
    jitter: 0.015,
    roundTripTime: 0.08,
  }),
  video: videoAt({ bytesReceived: 1_625_000, packetsReceived: 1_570, packetsLost: 40, framesDecoded: 450 }),
};

describe('quality sample from two getStats() snapshots', () => {
  it('turns cumulative counters into rates and loss over the interval', () => {
    const s = qualitySample(first, second);
    assert.equal(s.timestampMs, T0 + 5_000);
    assert.equal(s.intervalMs, 5_000);
    const audio = s.audio!;
    assert.equal(audio.bitrateKbps, 32); // 20,000 bytes in 5 s
    assert.equal(audio.lossPercent, 100 * (2 / 250)); // 248 received, 2 lost
    assert.equal(audio.jitterMs, 15); // current value, seconds to ms
    assert.equal(audio.rttMs, 80);
    assert.equal(audio.framesDecodedPerSec, null);
    assert.equal(audio.restarted, false);
    assert.equal(audio.mos, estimateMos({ rttMs: 80, jitterMs: 15, packetLossPercent: 0.8 }));

    const video = s.video!;
    assert.equal(video.bitrateKbps, 1_000); // 625,000 bytes in 5 s
    assert.equal(video.lossPercent, 5); // 570 received, 30 lost
    assert.equal(video.framesDecodedPerSec, 30);
    assert.equal(video.mos, null); // the E-model rates speech only
  });

  it('uses the given codec for the MOS', () => {
    const s = qualitySample(first, second, { codec: G711 });
    assert.equal(s.audio!.mos, estimateMos({ rttMs: 80, jitterMs: 15, packetLossPercent: 0.8, codec: G711 }));
    assert.ok(s.audio!.mos! < qualitySample(first, second).audio!.mos!); // G.711 conceals loss worse than Opus
  });

  it('knows nothing interval-based from the first snapshot of a connection', () => {
    const s = qualitySample(null, first);
    assert.equal(s.intervalMs, null);
    for (const m of [s.audio!, s.video!]) {
      assert.equal(m.bitrateKbps, null);
      assert.equal(m.lossPercent, null);
      assert.equal(m.framesDecodedPerSec, null);
      assert.equal(m.mos, null);
      assert.equal(m.restarted, false);
    }
    assert.equal(s.audio!.jitterMs, 20); // current values are still current
    assert.equal(s.audio!.rttMs, 100);
  });

  describe('counter resets', () => {
    it('treats a counter going down as a fresh start: loss since the restart, no rates', () => {
      const restarted: StatsSnapshot = {
        timestampMs: T0 + 5_000,
        video: videoAt({ bytesReceived: 50_000, packetsReceived: 95, packetsLost: 5, framesDecoded: 20 }),
      };
      const v = qualitySample(first, restarted).video!;
      assert.equal(v.restarted, true);
      assert.equal(v.lossPercent, 5); // 5 of 100 since the restart, not a negative delta
      assert.equal(v.bitrateKbps, null); // when in the 5 s the restart happened is unknown
      assert.equal(v.framesDecodedPerSec, null);
    });

    it('detects a reset from any one counter', () => {
      for (const key of ['bytesReceived', 'packetsReceived', 'framesDecoded'] as const) {
        const next: StatsSnapshot = { timestampMs: T0 + 5_000, video: { ...second.video, [key]: 0 } };
        assert.equal(qualitySample(first, next).video!.restarted, true, key);
      }
    });

    it('goes back to normal deltas from the restarted stream', () => {
      const restarted: StatsSnapshot = {
        timestampMs: T0 + 5_000,
        audio: audioAt({ bytesReceived: 4_000, packetsReceived: 100, packetsLost: 0 }),
      };
      const after: StatsSnapshot = {
        timestampMs: T0 + 10_000,
        audio: audioAt({ bytesReceived: 24_000, packetsReceived: 349, packetsLost: 1 }),
      };
      const a = qualitySample(restarted, after).audio!;
      assert.equal(a.restarted, false);
      assert.equal(a.bitrateKbps, 32);
      assert.equal(a.lossPercent, 100 * (1 / 250));
    });

    it('treats a kind missing from the previous snapshot as just started', () => {
      const audioOnly: StatsSnapshot = { timestampMs: T0, audio: first.audio! };
      const v = qualitySample(audioOnly, second).video!;
      assert.equal(v.restarted, true);
      assert.equal(v.lossPercent, 100 * (40 / 1_610));
      assert.equal(v.bitrateKbps, null);
    });

    it('does not take falling cumulative loss (duplicates, RFC 3550) for a reset or negative loss', () => {
      const next: StatsSnapshot = {
        timestampMs: T0 + 5_000,
        audio: audioAt({ bytesReceived: 30_000, packetsReceived: 750, packetsLost: 3 }),
      };
      const a = qualitySample(first, next).audio!;
      assert.equal(a.restarted, false);
      assert.equal(a.lossPercent, 0);
      assert.equal(a.bitrateKbps, 32);
    });
  });

  describe('degenerate intervals', () => {
    it('gives no rates for a zero-length interval and no loss without packets', () => {
      const s = qualitySample(first, { ...first });
      assert.equal(s.intervalMs, null);
      assert.equal(s.audio!.bitrateKbps, null);
      assert.equal(s.audio!.lossPercent, null); // no packets expected: no evidence either way
      assert.equal(s.audio!.mos, null);
    });

    it('gives no rates when time runs backwards', () => {
      const s = qualitySample(second, { ...second, timestampMs: T0 });
      assert.equal(s.intervalMs, null);
      assert.equal(s.audio!.bitrateKbps, null);
      assert.equal(s.video!.framesDecodedPerSec, null);
    });

    it('still reports loss when packets moved but the clock did not', () => {
      const s = qualitySample(first, { ...second, timestampMs: T0 });
      assert.equal(s.audio!.bitrateKbps, null);
      assert.equal(s.audio!.lossPercent, 0.8);
    });

    it('reports no loss (not 0 %) when nothing arrived and nothing was counted lost', () => {
      const stalled: StatsSnapshot = { ...first, timestampMs: T0 + 5_000 };
      const a = qualitySample(first, stalled).audio!;
      assert.equal(a.lossPercent, null);
      assert.equal(a.bitrateKbps, 0);
    });
  });

  describe('missing and malformed fields', () => {
    it('leaves the MOS null without a round-trip time, and everything else intact', () => {
      const next: StatsSnapshot = { ...second, audio: { ...second.audio, roundTripTime: undefined } };
      const a = qualitySample(first, next).audio!;
      assert.equal(a.rttMs, null);
      assert.equal(a.mos, null);
      assert.equal(a.lossPercent, 0.8);
      assert.equal(a.bitrateKbps, 32);
    });

    it('leaves loss and MOS null without packet counts on either side', () => {
      const noLost: StatsSnapshot = { ...second, audio: { ...second.audio, packetsLost: undefined } };
      assert.equal(qualitySample(first, noLost).audio!.lossPercent, null);
      assert.equal(qualitySample(first, noLost).audio!.mos, null);
      const prevNoReceived: StatsSnapshot = {
        ...first,
        audio: { ...first.audio, packetsReceived: undefined },
      };
      assert.equal(qualitySample(prevNoReceived, second).audio!.lossPercent, null);
    });

    it('treats garbage from the network as missing', () => {
      const garbage = {
        timestampMs: T0 + 5_000,
        audio: {
          bytesReceived: 'lots',
          packetsReceived: NaN,
          packetsLost: Infinity,
          jitter: -1,
          roundTripTime: null,
        },
        video: 'nope',
      } as unknown as StatsSnapshot;
      const s = qualitySample(first, garbage);
      assert.deepEqual(s.audio, {
        bitrateKbps: null,
        lossPercent: null,
        jitterMs: null,
        rttMs: null,
        framesDecodedPerSec: null,
        mos: null,
        restarted: false,
      });
      assert.equal(s.video, null);
    });

    it('reports a kind as null when the snapshot has none', () => {
      const s = qualitySample(first, { timestampMs: T0 + 5_000, audio: second.audio! });
      assert.equal(s.video, null);
      assert.notEqual(s.audio, null);
    });

    it('refuses a snapshot without a usable timestamp', () => {
      for (const bad of [NaN, undefined, '1700000000000'])
        assert.throws(
          () => qualitySample(first, { ...second, timestampMs: bad as unknown as number }),
          (err: unknown) => err instanceof QualityInputError && err.field === 'timestampMs',
        );
    });
  });
});
