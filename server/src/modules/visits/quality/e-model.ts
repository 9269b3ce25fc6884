/**
 * A MOS estimate from network measurements with the ITU-T E-model (G.107), in the simplified form
 * used for VoIP and WebRTC monitoring (Cole and Rosenbluth, "Voice over IP performance
 * monitoring", ACM SIGCOMM CCR 31(2), 2001):
 *
 *   R = R0 − Id − Ie,eff + A
 *
 * R0 = 93.2 is G.107's rating with every parameter at its default (Ro − Is and the default
 * echo and noise terms). What a monitor can measure is delay and loss, so only those move R:
 * Id from the one-way delay, Ie,eff from codec and packet loss. The rating is mapped to a MOS with
 * G.107 Annex B. The E-model rates conversational speech; applied to a video stream it says only
 * what a voice call over that path would sound like.
 *
 * Invalid inputs (NaN, infinite, negative, loss above 100 %) throw QualityInputError: a
 * client that sends them is broken, and a clamped score would hide that.
 */
import { OPUS, type CodecProfile } from './codecs.js';
import { QualityInputError, requireInRange } from './errors.js';

/** G.107's default rating: the best a narrowband call can score (MOS ≈ 4.41). */
export const DEFAULT_R0 = 93.2;

export interface NetworkConditions {
  /** Round-trip time, ms. Half of it is taken as the network's one-way delay. */
  rttMs: number;
  /** Interarrival jitter (RFC 3550), ms. The jitter buffer is assumed to hold about twice this. */
  jitterMs: number;
  /** Packets lost, percent 0..100 (not a 0..1 fraction). */
  packetLossPercent: number;
  /** Defaults to OPUS. */
  codec?: CodecProfile;
  /**
   * G.107's burst ratio BurstR: 1 for random loss (the default, and all getStats() can tell us),
   * above 1 when losses come in bursts, which concealment hides less well.
   */
  burstRatio?: number;
  /** Advantage factor A, 0..20 (G.107 Table 2): users' tolerance for e.g. mobile access. Default 0. */
  advantage?: number;
}

/**
 * Mouth-to-ear delay, ms: half the round trip, plus a jitter buffer of twice the jitter, plus the
 * codec's frame and look-ahead.
 */
export function oneWayDelayMs(c: NetworkConditions): number {
  const codec = validCodec(c.codec ?? OPUS);
  const rtt = requireInRange('rttMs', c.rttMs, 0, Number.MAX_VALUE);
  const jitter = requireInRange('jitterMs', c.jitterMs, 0, Number.MAX_VALUE);
  return rtt / 2 + 2 * jitter + codec.delayMs;
}

/**
 * Delay impairment Id for a one-way delay d (ms), Cole and Rosenbluth's fit of G.107's delay terms
 * at default parameters: 0.024 per ms, plus 0.11 per ms beyond 177.3 ms, where conversation starts
 * to break down.
 */
export function delayImpairment(delayMs: number): number {
  const d = requireInRange('delayMs', delayMs, 0, Number.MAX_VALUE);
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** Effective equipment impairment (G.107): Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl). */
export function effectiveEquipmentImpairment(
  packetLossPercent: number,
  codec: CodecProfile = OPUS,
  burstRatio = 1,
): number {
  const ppl = requireInRange('packetLossPercent', packetLossPercent, 0, 100);
  const { ie, bpl } = validCodec(codec);
  const burstR = requireInRange('burstRatio', burstRatio, Number.MIN_VALUE, Number.MAX_VALUE);
  return ie + ((95 - ie) * ppl) / (ppl / burstR + bpl);
}

/** The transmission rating R, clamped to 0..100 (the range the MOS mapping is defined on). */
export function rating(c: NetworkConditions): number {
  const codec = c.codec ?? OPUS;
  const a = requireInRange('advantage', c.advantage ?? 0, 0, 20);
  const r =
    DEFAULT_R0 -
    delayImpairment(oneWayDelayMs(c)) -
    effectiveEquipmentImpairment(c.packetLossPercent, codec, c.burstRatio ?? 1) +
    a;
  return Math.min(100, Math.max(0, r));
}

/**
 * G.107 Annex B: MOS = 1 + 0.035 R + R (R − 60)(100 − R) · 7·10⁻⁶, clamped to 1..4.5. The cubic
 * dips just under 1 for R below about 6.5; the clamp keeps MOS from rising as R falls there.
 */
export function mosFromRating(r: number): number {
  const R = Math.min(100, Math.max(0, requireInRange('rating', r, -Number.MAX_VALUE, Number.MAX_VALUE)));
  const mos = 1 + 0.035 * R + R * (R - 60) * (100 - R) * 7e-6;
  return Math.min(4.5, Math.max(1, mos));
}

/** MOS (1..4.5) a voice call would get under these network conditions. */
export function estimateMos(c: NetworkConditions): number {
  return mosFromRating(rating(c));
}

function validCodec(codec: CodecProfile): CodecProfile {
  if (typeof codec !== 'object' || codec === null)
    throw new QualityInputError('codec', 'must be a CodecProfile');
  requireInRange('codec.ie', codec.ie, 0, 95);
  requireInRange('codec.bpl', codec.bpl, Number.MIN_VALUE, Number.MAX_VALUE);
  requireInRange('codec.delayMs', codec.delayMs, 0, Number.MAX_VALUE);
  return codec;
}
