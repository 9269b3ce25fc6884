import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { phoneBridgeAdvice, resolvePolicy, type Span } from '../../src/modules/visits/quality/index.js';

const policy = resolvePolicy({ sustainSeconds: 10, phoneBridgeMosFloor: 2.6, poorRatio: 0.8 });

/** Back-to-back 2 s spans ending at 2, 4, … with these audio MOS values. */
function spans(...mos: (number | null)[]): Span[] {
  return mos.map((m, i) => ({
    startMs: i * 2000,
    endMs: (i + 1) * 2000,
    audioMos: m,
    audioLossPercent: null,
    videoLossPercent: null,
  }));
}

describe('phoneBridgeAdvice', () => {
  it('advises once audio MOS has stayed below the floor for sustainSeconds', () => {
    const bad = spans(2, 2, 2, 2, 2);
    assert.equal(phoneBridgeAdvice(bad, 8_000, policy), false);
    assert.equal(phoneBridgeAdvice(bad, 10_000, policy), true);
  });

  it('tolerates a short better stretch within sustainSeconds / poorRatio', () => {
    assert.equal(phoneBridgeAdvice(spans(2, 2, 3, 2, 2, 2), 12_000, policy), true);
    assert.equal(phoneBridgeAdvice(spans(2, 2, 3, 3, 2, 2), 12_000, policy), false);
  });

  it('does not count unknown or at-the-floor audio', () => {
    assert.equal(phoneBridgeAdvice(spans(null, null, null, null, null), 10_000, policy), false);
    assert.equal(phoneBridgeAdvice(spans(2.6, 2.6, 2.6, 2.6, 2.6), 10_000, policy), false);
  });

  it('looks only at the recent window', () => {
    const earlier = spans(2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4);
    assert.equal(phoneBridgeAdvice(earlier, 24_000, policy), false);
  });

  it('needs more than one report', () => {
    const one: Span[] = [
      { startMs: 0, endMs: 10_000, audioMos: 1.5, audioLossPercent: 30, videoLossPercent: null },
    ];
    assert.equal(phoneBridgeAdvice(one, 10_000, policy), false);
  });
});
