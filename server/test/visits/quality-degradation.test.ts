import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_POLICY,
  initialDegradationState,
  QualityInputError,
  recoveryWaitMs,
  resolvePolicy,
  stepDegradation,
  type DegradationEvent,
  type DegradationState,
  type Modality,
  type ObservedQuality,
  type ResolvedPolicy,
} from '../../src/modules/visits/quality/index.js';

const T0 = 1_700_000_000_000;

/** What one report says: audio MOS and loss, video loss (null: no video measured). */
interface Quality {
  mos: number | null;
  audioLoss: number | null;
  videoLoss: number | null;
}

const GOOD: Quality = { mos: 4.3, audioLoss: 0, videoLoss: 0.2 };
/** Audio MOS under the 3.1 threshold. */
const POOR_AUDIO: Quality = { mos: 2.9, audioLoss: 4, videoLoss: 1 };
/** Fine audio, video loss over the 5 % threshold. */
const POOR_VIDEO: Quality = { mos: 4.2, audioLoss: 0.5, videoLoss: 12 };
/** Audio under the 2.6 phone-bridge floor. */
const TERRIBLE: Quality = { mos: 1.8, audioLoss: 20, videoLoss: 30 };
/** Neither poor nor good: inside the hysteresis margin. */
const MIDDLING: Quality = { mos: 3.25, audioLoss: 1, videoLoss: 2 };
const UNKNOWN: Quality = { mos: null, audioLoss: null, videoLoss: null };

interface Seen {
  type: string;
  /** Seconds after T0. */
  at: number;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * One connection driven through the reducer. Between steps the state goes through JSON (as if
 * stored) and is deep-frozen, so a reducer that mutated its input or kept non-JSON data would fail.
 */
class Connection {
  state: DegradationState;
  readonly decisions: Seen[] = [];

  constructor(
    readonly policy: ResolvedPolicy,
    modality: Modality = 'video',
  ) {
    this.state = deepFreeze(initialDegradationState(modality));
  }

  private step(event: DegradationEvent): Seen[] {
    const { state, decisions } = stepDegradation(this.state, event, this.policy);
    this.state = deepFreeze(JSON.parse(JSON.stringify(state)) as DegradationState);
    const seen = decisions.map((d) => ({ type: d.type, at: (d.atMs - T0) / 1000 }));
    this.decisions.push(...seen);
    return seen;
  }

  /** One report at `sec` seconds, covering the `everySec` before it. */
  report(sec: number, q: Quality, everySec = 2): Seen[] {
    const sample: ObservedQuality = {
      timestampMs: T0 + sec * 1000,
      intervalMs: everySec * 1000,
      audio: { mos: q.mos, lossPercent: q.audioLoss },
      video: { lossPercent: q.videoLoss },
    };
    return this.step({ type: 'sample', sample });
  }

  /** Reports every `everySec` from `fromSec` to `toSec` inclusive; `q` may vary by report number. */
  run(fromSec: number, toSec: number, q: Quality | ((i: number) => Quality), everySec = 2): Seen[] {
    const seen: Seen[] = [];
    for (let sec = fromSec, i = 0; sec <= toSec; sec += everySec, i++)
      seen.push(...this.report(sec, typeof q === 'function' ? q(i) : q, everySec));
    return seen;
  }

  modality(modality: Modality, sec: number): void {
    this.step({ type: 'modality-changed', modality, atMs: T0 + sec * 1000 });
  }

  decline(): void {
    this.step({ type: 'offer-declined' });
  }
}

const offer = resolvePolicy({ mode: 'offer' });
const automatic = resolvePolicy({ mode: 'automatic' });
const alternate =
  (...qs: Quality[]) =>
  (i: number): Quality =>
    qs[i % qs.length]!;

describe('degradation: acting on sustained poor quality', () => {
  it('offers audio-only once poor quality has lasted sustainSeconds, and only once', () => {
    const c = new Connection(offer);
    assert.deepEqual(c.run(2, 8, POOR_AUDIO), []); // 8 s of the 10 needed
    assert.deepEqual(c.run(10, 300, POOR_AUDIO), [{ type: 'offer-audio-only', at: 10 }]);
    assert.equal(c.state.phase, 'audio-only-offered');
  });

  it('switches without asking in automatic mode', () => {
    const c = new Connection(automatic);
    c.run(2, 300, POOR_AUDIO);
    assert.deepEqual(c.decisions, [{ type: 'switch-audio-only', at: 10 }]);
    assert.equal(c.state.phase, 'audio-only');
  });

  it('acts on video loss alone, with audio fine', () => {
    const c = new Connection(offer);
    c.run(2, 60, POOR_VIDEO);
    assert.deepEqual(c.decisions, [{ type: 'offer-audio-only', at: 10 }]);
  });

  it('does nothing for poor quality shorter than sustainSeconds', () => {
    const c = new Connection(automatic);
    c.run(2, 8, POOR_AUDIO);
    c.run(10, 600, GOOD);
    assert.deepEqual(c.decisions, []);
  });

  it('is not reset by one good report in a poor stretch (poorRatio)', () => {
    const c = new Connection(offer);
    // poor, poor, good, then poor: 10 s poor in the last 12 s at t = 12
    c.run(2, 300, (i) => (i === 2 ? GOOD : POOR_AUDIO));
    assert.deepEqual(c.decisions, [{ type: 'offer-audio-only', at: 12 }]);
  });

  it('with poorRatio 1, needs sustainSeconds without a break', () => {
    const strict = new Connection(resolvePolicy({ mode: 'offer', poorRatio: 1 }));
    strict.run(2, 300, (i) => (i === 2 ? GOOD : POOR_AUDIO));
    assert.deepEqual(strict.decisions, [{ type: 'offer-audio-only', at: 16 }]);
  });

  it('judges by time covered, whatever the reporting cadence', () => {
    for (const every of [1, 2, 5]) {
      const c = new Connection(automatic);
      c.run(every, 60, POOR_AUDIO, every);
      assert.deepEqual(c.decisions, [{ type: 'switch-audio-only', at: 10 }], `every ${every} s`);
    }
  });

  it('never lets one report decide, even after a long silence', () => {
    const c = new Connection(automatic);
    c.run(2, 4, POOR_AUDIO);
    // Nothing for 96 s, then one poor report: it speaks for at most 10 s, and alone it is not enough.
    assert.deepEqual(c.report(100, POOR_AUDIO), []);
    assert.deepEqual(c.report(102, POOR_AUDIO), [{ type: 'switch-audio-only', at: 102 }]);
  });

  it('decides nothing on reports that carry no quality', () => {
    const c = new Connection(automatic);
    c.run(2, 600, UNKNOWN);
    assert.deepEqual(c.decisions, []);
  });

  it('uses the tenant thresholds', () => {
    const lenient = resolvePolicy({
      mode: 'automatic',
      mosThreshold: 2.5,
      lossThreshold: 15,
      phoneBridgeMosFloor: 2,
    });
    const c = new Connection(lenient);
    c.run(2, 300, (i) => (i % 2 ? POOR_AUDIO : POOR_VIDEO)); // MOS 2.9 and 12 % loss are fine here
    assert.deepEqual(c.decisions, []);
  });
});

describe('degradation: flapping input does not flap decisions', () => {
  for (const policy of [offer, automatic]) {
    it(`alternating poor and good reports decide nothing for ten minutes (${policy.mode})`, () => {
      const c = new Connection(policy);
      c.run(2, 600, alternate(POOR_AUDIO, GOOD));
      c.run(602, 1200, alternate(POOR_VIDEO, GOOD));
      assert.deepEqual(c.decisions, []);
    });

    it(`a MOS hovering around the threshold decides nothing (${policy.mode})`, () => {
      const c = new Connection(policy);
      const just = (mos: number): Quality => ({ mos, audioLoss: 1, videoLoss: 1 });
      c.run(2, 600, alternate(just(3.05), just(3.15)));
      assert.deepEqual(c.decisions, []);
    });
  }

  it('once audio-only, flapping quality never offers video back', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    c.run(12, 600, alternate(GOOD, GOOD, GOOD, POOR_AUDIO)); // 75 % good is not recovered
    c.run(602, 1200, alternate(GOOD, MIDDLING)); // inside the margin is not good
    assert.deepEqual(c.decisions, [{ type: 'switch-audio-only', at: 10 }]);
    assert.equal(c.state.phase, 'audio-only');
  });

  it('a pending offer is not withdrawn and re-made as quality wobbles', () => {
    const c = new Connection(offer);
    c.run(2, 10, POOR_AUDIO);
    c.run(12, 600, alternate(GOOD, GOOD, GOOD, GOOD, MIDDLING));
    assert.deepEqual(c.decisions, [{ type: 'offer-audio-only', at: 10 }]);
  });

  it('slow oscillation decides at most once per cycle, and less often as it repeats', () => {
    const c = new Connection(automatic);
    // 20 s poor, 40 s good, for an hour; the user turns video back on whenever offered.
    for (let start = 0; start < 3600; start += 60) {
      c.run(start + 2, start + 20, POOR_AUDIO);
      const offered = c.run(start + 22, start + 60, GOOD);
      if (offered.some((d) => d.type === 'offer-video-again')) c.modality('video', start + 60);
    }
    const switches = c.decisions.filter((d) => d.type === 'switch-audio-only');
    const offers = c.decisions.filter((d) => d.type === 'offer-video-again');
    // 60 cycles: the first recovery waits 30 s, the second 60 s (longer than a good stretch), so
    // video comes back once; it degrades once more and then stays off.
    assert.equal(offers.length, 1);
    assert.equal(switches.length, 2);
  });
});

describe('degradation: recovery', () => {
  it('offers video again after recoverSeconds of uninterrupted good quality', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    assert.deepEqual(c.run(12, 38, GOOD), []); // 28 s
    assert.deepEqual(c.run(40, 300, GOOD), [{ type: 'offer-video-again', at: 40 }]);
    assert.equal(c.state.phase, 'video-offered');
  });

  it('does the same in offer mode once the user accepted audio-only', () => {
    const c = new Connection(offer);
    c.run(2, 10, POOR_AUDIO);
    c.modality('audio-only', 11);
    c.run(12, 100, GOOD);
    assert.deepEqual(c.decisions, [
      { type: 'offer-audio-only', at: 10 },
      { type: 'offer-video-again', at: 42 }, // 30 s of good audio-only time from 11, measured at a report
    ]);
  });

  it('returns to watching once the user turns video back on', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    c.run(12, 40, GOOD);
    c.modality('video', 41);
    assert.equal(c.state.phase, 'video');
    c.run(42, 600, GOOD);
    assert.deepEqual(c.decisions, [
      { type: 'switch-audio-only', at: 10 },
      { type: 'offer-video-again', at: 40 },
    ]);
  });

  it('doubles the recovery wait after a relapse', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    c.run(12, 40, GOOD);
    c.modality('video', 41);
    c.run(42, 52, POOR_AUDIO); // poor again: (41, 52] holds 11 s at t = 52
    assert.equal(recoveryWaitMs(c.state, automatic), 60_000);
    assert.deepEqual(c.run(54, 110, GOOD), []);
    assert.deepEqual(c.run(112, 200, GOOD), [{ type: 'offer-video-again', at: 112 }]);
    assert.deepEqual(c.decisions.slice(0, 3), [
      { type: 'switch-audio-only', at: 10 },
      { type: 'offer-video-again', at: 40 },
      { type: 'switch-audio-only', at: 52 },
    ]);
  });

  it('caps the recovery wait at eight times recoverSeconds', () => {
    const state = { ...initialDegradationState('audio-only'), episodes: 20 };
    assert.equal(recoveryWaitMs(state, automatic), 8 * 30_000);
  });

  it('withdraws a video offer when quality drops again before the user answers', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    c.run(12, 40, GOOD);
    c.run(42, 50, POOR_AUDIO);
    assert.deepEqual(c.decisions.slice(1), [
      { type: 'offer-video-again', at: 40 },
      { type: 'withdraw-offer', at: 50 },
    ]);
    assert.equal(c.state.phase, 'audio-only');
  });

  it('never counts reports from before the switch towards recovery', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_VIDEO); // audio was good all along
    assert.deepEqual(c.run(12, 38, GOOD), []);
    assert.equal(c.decisions.length, 1);
  });

  it('counts a reporting gap as unknown time, not as good time', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    c.report(12, GOOD);
    // Silence from 12 to 100: the report at 100 speaks for its last 10 s only.
    assert.deepEqual(c.run(100, 118, GOOD), []);
    assert.deepEqual(c.report(120, GOOD), [{ type: 'offer-video-again', at: 120 }]);
  });

  it('ignores video figures while video is off', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    // A lagging client still reports heavy video loss; audio is good.
    c.run(12, 40, { ...GOOD, videoLoss: 50 });
    assert.deepEqual(c.decisions.at(-1), { type: 'offer-video-again', at: 40 });
  });
});

describe('degradation: the offer and its answer', () => {
  it('withdraws an unanswered audio-only offer after recovery', () => {
    const c = new Connection(offer);
    c.run(2, 10, POOR_AUDIO);
    c.run(12, 100, GOOD);
    assert.deepEqual(c.decisions, [
      { type: 'offer-audio-only', at: 10 },
      { type: 'withdraw-offer', at: 40 },
    ]);
    assert.equal(c.state.phase, 'video');
  });

  it('does not offer again after a decline while quality stays poor', () => {
    const c = new Connection(offer);
    c.run(2, 10, POOR_AUDIO);
    c.decline();
    assert.equal(c.state.phase, 'video');
    c.run(12, 600, POOR_AUDIO);
    assert.deepEqual(c.decisions, [{ type: 'offer-audio-only', at: 10 }]);
  });

  it('offers again after a decline once quality recovered and then failed again', () => {
    const c = new Connection(offer);
    c.run(2, 10, POOR_AUDIO);
    c.decline();
    c.run(12, 60, POOR_AUDIO);
    c.run(62, 92, GOOD); // 30 s good re-arms, silently
    c.run(94, 200, POOR_AUDIO);
    assert.deepEqual(c.decisions, [
      { type: 'offer-audio-only', at: 10 },
      { type: 'offer-audio-only', at: 102 },
    ]);
  });

  it('does not offer video again after the user declined it, until quality failed and recovered', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    c.run(12, 40, GOOD);
    c.decline();
    assert.equal(c.state.phase, 'audio-only');
    c.run(42, 300, GOOD);
    assert.equal(c.decisions.length, 2);
    c.run(302, 310, POOR_AUDIO); // re-arms
    c.run(312, 400, GOOD);
    assert.deepEqual(c.decisions.slice(2), [{ type: 'offer-video-again', at: 340 }]);
  });

  it('never offers video to a user who turned it off themselves', () => {
    const c = new Connection(offer);
    c.run(2, 20, GOOD);
    c.modality('audio-only', 21);
    c.run(22, 900, GOOD);
    c.run(902, 920, POOR_AUDIO);
    c.run(922, 1200, GOOD);
    assert.deepEqual(c.decisions, []);
    const joinedAudioOnly = new Connection(offer, 'audio-only');
    joinedAudioOnly.run(2, 600, GOOD);
    assert.deepEqual(joinedAudioOnly.decisions, []);
  });

  it('ignores a modality change to the modality already in use', () => {
    const c = new Connection(automatic);
    c.run(2, 10, POOR_AUDIO);
    const before = c.state;
    c.modality('audio-only', 11); // the client confirming the automatic switch
    assert.deepEqual(c.state, before);
    c.run(12, 40, GOOD);
    assert.deepEqual(c.decisions.at(-1), { type: 'offer-video-again', at: 40 });
  });
});

describe('degradation: phone bridge', () => {
  it('advises the bridge when even audio-only stays below the floor, once', () => {
    const c = new Connection(automatic);
    c.run(2, 300, TERRIBLE);
    assert.deepEqual(c.decisions, [
      { type: 'switch-audio-only', at: 10 },
      { type: 'advise-phone-bridge', at: 20 },
    ]);
  });

  it('does not advise the bridge while video is still on: dropping video comes first', () => {
    const c = new Connection(offer);
    c.run(2, 300, TERRIBLE);
    assert.deepEqual(c.decisions, [{ type: 'offer-audio-only', at: 10 }]);
    c.modality('audio-only', 301);
    c.run(302, 400, TERRIBLE);
    assert.deepEqual(c.decisions.at(-1), { type: 'advise-phone-bridge', at: 312 });
  });

  it('does not advise the bridge for audio that is poor but above the floor', () => {
    const c = new Connection(automatic);
    c.run(2, 600, POOR_AUDIO);
    assert.deepEqual(c.decisions, [{ type: 'switch-audio-only', at: 10 }]);
  });

  it('advises a user who chose audio-only themselves too', () => {
    const c = new Connection(offer, 'audio-only');
    c.run(2, 60, TERRIBLE);
    assert.deepEqual(c.decisions, [{ type: 'advise-phone-bridge', at: 10 }]);
  });

  it('advises again only after audio recovered in between', () => {
    const c = new Connection(automatic);
    c.run(2, 300, TERRIBLE);
    c.run(302, 330, GOOD);
    c.run(332, 400, TERRIBLE);
    assert.deepEqual(c.decisions, [
      { type: 'switch-audio-only', at: 10 },
      { type: 'advise-phone-bridge', at: 20 },
      { type: 'offer-video-again', at: 330 },
      { type: 'withdraw-offer', at: 340 },
      { type: 'advise-phone-bridge', at: 340 },
    ]);
  });
});

describe('degradation: reports and state', () => {
  it('ignores duplicate and out-of-order reports', () => {
    const c = new Connection(automatic);
    c.run(2, 8, POOR_AUDIO);
    const before = c.state;
    assert.deepEqual(c.report(8, POOR_AUDIO), []);
    assert.deepEqual(c.report(4, POOR_AUDIO), []);
    assert.deepEqual(c.state, before);
    assert.deepEqual(c.report(10, POOR_AUDIO), [{ type: 'switch-audio-only', at: 10 }]);
  });

  it('refuses a report without a usable timestamp', () => {
    const state = initialDegradationState();
    for (const bad of [NaN, Infinity, undefined])
      assert.throws(
        () =>
          stepDegradation(
            state,
            { type: 'sample', sample: { timestampMs: bad as unknown as number } },
            offer,
          ),
        (err: unknown) => err instanceof QualityInputError && err.field === 'sample.timestampMs',
      );
  });

  it('keeps a bounded history however long the visit', () => {
    const c = new Connection(offer);
    c.run(2, 4 * 3600, alternate(POOR_AUDIO, GOOD));
    // recoverSeconds × 8 = 240 s of 2 s reports, plus one straddling the edge
    assert.ok(c.state.history.spans.length <= 121, `${c.state.history.spans.length} spans`);
  });

  it('ignores an offer-declined with no offer pending', () => {
    const c = new Connection(offer);
    c.run(2, 6, GOOD);
    const before = c.state;
    c.decline();
    assert.deepEqual(c.state, before);
  });
});

describe('degradation policy', () => {
  it('fills in documented defaults', () => {
    assert.deepEqual(resolvePolicy(), DEFAULT_POLICY);
    assert.deepEqual(resolvePolicy({ mode: 'automatic', sustainSeconds: undefined }), {
      ...DEFAULT_POLICY,
      mode: 'automatic',
    });
    assert.ok(Object.isFrozen(resolvePolicy({})));
  });

  it('refuses impossible policies, naming the field', () => {
    const refuses = (field: string, policy: Record<string, unknown>) =>
      assert.throws(
        () => resolvePolicy(policy),
        (err: unknown) => err instanceof QualityInputError && err.field === `policy.${field}`,
        field,
      );
    refuses('mosThreshold', { mosThreshold: 4.6 }); // above what the E-model can give
    refuses('mosThreshold', { mosThreshold: NaN });
    refuses('lossThreshold', { lossThreshold: 0 });
    refuses('lossThreshold', { lossThreshold: 101 });
    refuses('sustainSeconds', { sustainSeconds: 0 });
    refuses('recoverSeconds', { recoverSeconds: 3600 });
    refuses('phoneBridgeMosFloor', { phoneBridgeMosFloor: 3.5 }); // above mosThreshold 3.1
    refuses('poorRatio', { poorRatio: 0.2 });
    refuses('mosRecoverMargin', { mosThreshold: 4.3, mosRecoverMargin: 0.3 }); // "good" out of reach
    refuses('lossRecoverMargin', { lossRecoverMargin: -1 });
    refuses('mode', { mode: 'sometimes' });
  });
});
