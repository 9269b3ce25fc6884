/**
 * A tenant's policy for degrading a visit on poor quality, with defaults and validation. Policies
 * come from tenant configuration, so they are checked once, up front, by resolvePolicy().
 */
import { DEFAULT_R0, mosFromRating } from './e-model.js';
import { QualityInputError, requireInRange } from './errors.js';

export type DegradationMode = 'offer' | 'automatic';

export interface DegradationPolicy {
  /** Audio MOS below this is poor. */
  mosThreshold: number;
  /** Video packet loss above this percentage is poor. */
  lossThreshold: number;
  /** Seconds of poor quality (within a window of sustainSeconds / poorRatio) before acting. */
  sustainSeconds: number;
  /** Seconds of uninterrupted good quality before offering video again or withdrawing an offer. */
  recoverSeconds: number;
  /** `offer`: ask the user to go audio-only; `automatic`: switch without asking. */
  mode: DegradationMode;
  /** Audio MOS below this, sustained while audio-only, advises the phone bridge. */
  phoneBridgeMosFloor?: number;
  /** Share of the window that must be poor, 0.5..1; 1 means sustainSeconds without a break. */
  poorRatio?: number;
  /** Good means MOS at least mosThreshold + this (hysteresis). */
  mosRecoverMargin?: number;
  /** Good means loss at most lossThreshold − this many percentage points (hysteresis). */
  lossRecoverMargin?: number;
}

export type ResolvedPolicy = Readonly<Required<DegradationPolicy>>;

/**
 * Thresholds follow G.109's categories: R = 60 (MOS 3.1) is the lower edge of "many users
 * dissatisfied", R = 50 (MOS 2.6) the edge of "not recommended", where a phone line does better.
 * Video with more than 5 % loss freezes and smears even with retransmission.
 */
export const DEFAULT_POLICY: ResolvedPolicy = Object.freeze({
  mosThreshold: 3.1,
  lossThreshold: 5,
  sustainSeconds: 10,
  recoverSeconds: 30,
  mode: 'offer',
  phoneBridgeMosFloor: 2.6,
  poorRatio: 0.8,
  mosRecoverMargin: 0.3,
  lossRecoverMargin: 2,
});

/** Longest sustain or recover period: bounds the history a connection keeps. */
export const MAX_PERIOD_SECONDS = 600;

/** The best MOS the E-model can give with no advantage factor (≈ 4.41). */
const BEST_MOS = mosFromRating(DEFAULT_R0);

/** The policy with defaults filled in; throws QualityInputError (field `policy.…`) for an impossible one. */
export function resolvePolicy(policy: Partial<DegradationPolicy> = {}): ResolvedPolicy {
  const p = { ...DEFAULT_POLICY, ...definedOnly(policy) };
  const check = (key: keyof DegradationPolicy, min: number, max: number) =>
    requireInRange(`policy.${key}`, p[key], min, max);
  check('mosThreshold', 1, BEST_MOS);
  check('lossThreshold', Number.MIN_VALUE, 100);
  check('sustainSeconds', 1, MAX_PERIOD_SECONDS);
  check('recoverSeconds', 1, MAX_PERIOD_SECONDS);
  check('phoneBridgeMosFloor', 1, p.mosThreshold);
  check('poorRatio', 0.5, 1);
  // A margin that puts "good" out of reach would leave a visit audio-only for good.
  check('mosRecoverMargin', 0, BEST_MOS - p.mosThreshold);
  check('lossRecoverMargin', 0, p.lossThreshold);
  if (p.mode !== 'offer' && p.mode !== 'automatic')
    throw new QualityInputError('policy.mode', `must be 'offer' or 'automatic', got ${String(p.mode)}`);
  return Object.freeze(p);
}

/** Drops undefined values so that `{ mode: undefined }` keeps the default rather than erasing it. */
function definedOnly(policy: Partial<DegradationPolicy>): Partial<DegradationPolicy> {
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined));
}
