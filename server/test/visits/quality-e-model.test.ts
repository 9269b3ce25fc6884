import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  delayImpairment,
  effectiveEquipmentImpairment,
  estimateMos,
  G711,
  G711_PLC,
  mosFromRating,
  OPUS,
  oneWayDelayMs,
  QualityInputError,
  rating,
  type CodecProfile,
} from '../../src/modules/visits/quality/index.js';

const close = (actual: number, expected: number, tolerance = 0.005) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

/** A codec that adds nothing, to check the bare model against G.107's figures. */
const IDEAL: CodecProfile = { name: 'ideal', ie: 0, bpl: 10, delayMs: 0 };

describe('E-model: rating to MOS (G.107 Annex B)', () => {
  it('maps the reference ratings to their MOS', () => {
    close(mosFromRating(93.2), 4.41); // G.107 default connection
    close(mosFromRating(80), 4.02); // G.109: lower edge of "satisfied"
    close(mosFromRating(70), 3.6); // "some users dissatisfied"
    close(mosFromRating(60), 3.1); // "many users dissatisfied"
    close(mosFromRating(50), 2.58); // "nearly all users dissatisfied"
    assert.equal(mosFromRating(0), 1);
    assert.equal(mosFromRating(100), 4.5);
  });

  it('keeps MOS within 1..4.5 for any rating, including out-of-range ones', () => {
    for (const r of [-1e9, -50, 0, 3.2, 6, 100, 103, 1e9]) {
      const mos = mosFromRating(r);
      assert.ok(mos >= 1 && mos <= 4.5, `R=${r} gave ${mos}`);
    }
    assert.equal(mosFromRating(-20), 1);
    assert.equal(mosFromRating(150), 4.5);
  });

  it('never lowers MOS as the rating rises (the cubic dips under 1 near R = 3; the clamp hides it)', () => {
    let previous = 0;
    for (let r = 0; r <= 100; r += 0.05) {
      const mos = mosFromRating(r);
      assert.ok(mos >= previous, `MOS fell from ${previous} to ${mos} at R=${r}`);
      previous = mos;
    }
  });
});

describe('E-model: impairments', () => {
  it('gives R = 93.2 and MOS 4.41 for a perfect network and a codec that adds nothing', () => {
    close(rating({ rttMs: 0, jitterMs: 0, packetLossPercent: 0, codec: IDEAL }), 93.2, 1e-9);
    close(estimateMos({ rttMs: 0, jitterMs: 0, packetLossPercent: 0, codec: IDEAL }), 4.41);
  });

  it('takes half the round trip, twice the jitter and the codec delay as one-way delay', () => {
    assert.equal(oneWayDelayMs({ rttMs: 100, jitterMs: 10, packetLossPercent: 0 }), 50 + 20 + 26.5);
    assert.equal(
      oneWayDelayMs({ rttMs: 100, jitterMs: 10, packetLossPercent: 0, codec: G711 }),
      50 + 20 + 20,
    );
  });

  it('charges 0.024 per ms of delay, and 0.11 more per ms beyond 177.3 ms', () => {
    assert.equal(delayImpairment(0), 0);
    close(delayImpairment(100), 2.4, 1e-9);
    close(delayImpairment(177.3), 4.2552, 1e-9);
    close(delayImpairment(300), 0.024 * 300 + 0.11 * (300 - 177.3), 1e-9);
  });

  it('follows G.107 for loss with the G.113 codec values', () => {
    assert.equal(effectiveEquipmentImpairment(0, G711), 0);
    close(effectiveEquipmentImpairment(1, G711), 95 / 5.3, 1e-9); // ≈ 17.9
    close(effectiveEquipmentImpairment(1, G711_PLC), 95 / 26.1, 1e-9); // ≈ 3.6: concealment helps
    close(effectiveEquipmentImpairment(1, G711, 2), 95 / (0.5 + 4.3), 1e-9); // bursts hurt more
    close(effectiveEquipmentImpairment(10, OPUS), (95 * 10) / 20, 1e-9); // loss = Bpl costs half of 95
    close(
      effectiveEquipmentImpairment(5, { name: 'x', ie: 11, bpl: 19, delayMs: 0 }),
      11 + (84 * 5) / 24,
      1e-9,
    );
  });

  it('scores typical WebRTC conditions sensibly with the Opus defaults', () => {
    const good = estimateMos({ rttMs: 40, jitterMs: 5, packetLossPercent: 0 });
    const fair = estimateMos({ rttMs: 150, jitterMs: 20, packetLossPercent: 2 });
    const bad = estimateMos({ rttMs: 400, jitterMs: 60, packetLossPercent: 10 });
    assert.ok(good > 4.3, `good network: ${good}`);
    assert.ok(fair > 3.6 && fair < 4.2, `fair network: ${fair}`);
    assert.ok(bad < 2.6, `bad network: ${bad}`);
  });

  it('adds the advantage factor', () => {
    const base = { rttMs: 300, jitterMs: 30, packetLossPercent: 3 };
    close(rating({ ...base, advantage: 10 }) - rating(base), 10, 1e-9);
  });

  it('bottoms out at MOS 1 and R 0 for a hopeless network', () => {
    assert.equal(rating({ rttMs: 10_000, jitterMs: 0, packetLossPercent: 0 }), 0);
    assert.equal(estimateMos({ rttMs: 10_000, jitterMs: 0, packetLossPercent: 0 }), 1);
    assert.equal(estimateMos({ rttMs: 500, jitterMs: 200, packetLossPercent: 100 }), 1);
  });
});

describe('E-model: monotonic in every measurement', () => {
  const losses = [0, 0.1, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 75, 100];
  const rtts = [0, 20, 50, 100, 150, 200, 300, 354.6, 400, 600, 1000, 2000];
  const jitters = [0, 1, 5, 10, 20, 30, 50, 100, 250];

  for (const codec of [OPUS, G711, G711_PLC]) {
    it(`more loss, round trip or jitter never raises MOS (${codec.name})`, () => {
      for (const rttMs of rtts)
        for (const jitterMs of jitters)
          for (let i = 1; i < losses.length; i++) {
            const mos = (packetLossPercent: number) =>
              estimateMos({ rttMs, jitterMs, packetLossPercent, codec });
            const [lo, hi] = [losses[i - 1]!, losses[i]!];
            assert.ok(mos(hi) <= mos(lo), `loss ${lo}→${hi} at rtt ${rttMs}, jitter ${jitterMs}`);
          }
      for (const packetLossPercent of losses)
        for (const jitterMs of jitters)
          for (let i = 1; i < rtts.length; i++) {
            const a = estimateMos({ rttMs: rtts[i - 1]!, jitterMs, packetLossPercent, codec });
            const b = estimateMos({ rttMs: rtts[i]!, jitterMs, packetLossPercent, codec });
            assert.ok(
              b <= a,
              `rtt ${rtts[i - 1]}→${rtts[i]} at loss ${packetLossPercent}, jitter ${jitterMs}`,
            );
          }
      for (const packetLossPercent of losses)
        for (const rttMs of rtts)
          for (let i = 1; i < jitters.length; i++) {
            const a = estimateMos({ rttMs, jitterMs: jitters[i - 1]!, packetLossPercent, codec });
            const b = estimateMos({ rttMs, jitterMs: jitters[i]!, packetLossPercent, codec });
            assert.ok(
              b <= a,
              `jitter ${jitters[i - 1]}→${jitters[i]} at loss ${packetLossPercent}, rtt ${rttMs}`,
            );
          }
    });
  }

  it('rates better concealment (higher Bpl) at least as well under loss', () => {
    for (const packetLossPercent of losses) {
      const plain = estimateMos({ rttMs: 100, jitterMs: 10, packetLossPercent, codec: G711 });
      const plc = estimateMos({ rttMs: 100, jitterMs: 10, packetLossPercent, codec: G711_PLC });
      assert.ok(plc >= plain, `loss ${packetLossPercent}`);
    }
  });
});

describe('E-model: invalid input is refused, not clamped', () => {
  const ok = { rttMs: 100, jitterMs: 10, packetLossPercent: 1 };
  const refuses = (field: string, input: Parameters<typeof estimateMos>[0]) =>
    assert.throws(
      () => estimateMos(input),
      (err: unknown) => err instanceof QualityInputError && err.field === field,
      `expected a QualityInputError for ${field}`,
    );

  it('refuses NaN, infinite and negative measurements, naming the field', () => {
    for (const bad of [NaN, Infinity, -Infinity, -1]) {
      refuses('rttMs', { ...ok, rttMs: bad });
      refuses('jitterMs', { ...ok, jitterMs: bad });
      refuses('packetLossPercent', { ...ok, packetLossPercent: bad });
    }
  });

  it('refuses loss above 100 % and non-numbers', () => {
    refuses('packetLossPercent', { ...ok, packetLossPercent: 100.5 });
    refuses('rttMs', { ...ok, rttMs: '100' as unknown as number });
  });

  it('refuses impossible codec, burst and advantage values', () => {
    refuses('codec.bpl', { ...ok, codec: { ...OPUS, bpl: 0 } });
    refuses('codec.ie', { ...ok, codec: { ...OPUS, ie: 96 } });
    refuses('codec.delayMs', { ...ok, codec: { ...OPUS, delayMs: -1 } });
    refuses('burstRatio', { ...ok, burstRatio: 0 });
    refuses('advantage', { ...ok, advantage: 21 });
    assert.throws(() => mosFromRating(NaN), QualityInputError);
  });

  it('says which field and why in the message', () => {
    assert.throws(() => estimateMos({ ...ok, rttMs: -5 }), /rttMs: must be within 0\.\./);
  });
});
