/**
 * Per-connection graceful degradation: from quality samples every few seconds, when to offer (or,
 * by tenant policy, make) the switch to audio-only, when to offer video again, and when to advise
 * the phone bridge.
 *
 * A reducer over plain data: no clock is read (time is the samples' timestamps), nothing is sent;
 * the caller stores the state, acts on the decisions and time-stamps them on the Encounter.
 *
 * Flapping is prevented four ways: acting needs sustained evidence from several samples; "good"
 * needs a margin beyond the "poor" threshold; recovering needs uninterrupted good quality for
 * recoverSeconds (longer than sustainSeconds by default); and each further degradation of the
 * connection doubles that wait (up to 8×), so a path that only copes without video is not offered
 * video again, nor an offer withdrawn and made again, every half minute.
 */
import { isGood, isPoor } from './classify.js';
import { append, emptyHistory, heldFor, type History, type ObservedQuality } from './history.js';
import { phoneBridgeAdvice } from './phone-bridge.js';
import type { ResolvedPolicy } from './policy.js';
import { QualityInputError } from './errors.js';

export type Modality = 'video' | 'audio-only';

/**
 * - `video`: watching for sustained poor quality.
 * - `audio-only-offered`: the user was offered audio-only and has not answered.
 * - `audio-only`: video is off; watching for recovery and for audio too poor to go on.
 * - `video-offered`: the user was offered video again and has not answered.
 */
export type Phase = 'video' | 'audio-only-offered' | 'audio-only' | 'video-offered';

export interface DegradationState {
  phase: Phase;
  /**
   * False after the user declined an offer (or chose audio-only themselves): no new offer of the
   * same kind until the opposite condition has been sustained. The user said no; do not nag.
   */
  armed: boolean;
  /** The user turned video off themselves: never offer it back, they know where the button is. */
  audioOnlyByUser: boolean;
  /** The phone bridge was advised in this audio-only stretch. */
  bridgeAdvised: boolean;
  /** Degradations decided on this connection so far; lengthens the recovery wait. */
  episodes: number;
  history: History;
}

export type DegradationEvent =
  | { type: 'sample'; sample: ObservedQuality }
  /** The modality actually changed: the user accepted an offer or used the camera toggle. */
  | { type: 'modality-changed'; modality: Modality; atMs: number }
  /** The user dismissed the pending offer. */
  | { type: 'offer-declined' };

export type DecisionType =
  'offer-audio-only' | 'switch-audio-only' | 'offer-video-again' | 'withdraw-offer' | 'advise-phone-bridge';

export interface Decision {
  type: DecisionType;
  /** The timestamp of the sample that settled it. */
  atMs: number;
}

export interface Step {
  state: DegradationState;
  decisions: Decision[];
}

/** Longest recovery wait, as a multiple of recoverSeconds. */
export const MAX_BACKOFF = 8;

export function initialDegradationState(
  modality: Modality = 'video',
  atMs: number | null = null,
): DegradationState {
  return {
    phase: modality,
    armed: true,
    audioOnlyByUser: modality === 'audio-only',
    bridgeAdvised: false,
    episodes: 0,
    history: emptyHistory(atMs),
  };
}

export function modalityOf(phase: Phase): Modality {
  return phase === 'video' || phase === 'audio-only-offered' ? 'video' : 'audio-only';
}

/**
 * How long quality must stay good before offering video again or withdrawing an audio-only offer:
 * recoverSeconds, doubled for each degradation of the connection after the first, capped.
 */
export function recoveryWaitMs(state: DegradationState, policy: ResolvedPolicy): number {
  const factor = Math.min(MAX_BACKOFF, 2 ** Math.max(0, state.episodes - 1));
  return policy.recoverSeconds * 1000 * factor;
}

/** The next state and any decisions. `state` is not modified. */
export function stepDegradation(
  state: DegradationState,
  event: DegradationEvent,
  policy: ResolvedPolicy,
): Step {
  switch (event.type) {
    case 'sample':
      return onSample(state, event.sample, policy);
    case 'modality-changed':
      return { state: onModality(state, event.modality, event.atMs), decisions: [] };
    case 'offer-declined':
      return { state: onDeclined(state), decisions: [] };
  }
}

function onSample(state: DegradationState, sample: ObservedQuality, p: ResolvedPolicy): Step {
  const now = sample.timestampMs;
  if (typeof now !== 'number' || !Number.isFinite(now))
    throw new QualityInputError('sample.timestampMs', `must be a finite number, got ${String(now)}`);
  const sustainMs = p.sustainSeconds * 1000;
  const keepMs = Math.max(sustainMs / p.poorRatio, p.recoverSeconds * 1000 * MAX_BACKOFF);
  const history = append(state.history, sample, modalityOf(state.phase) === 'video', now - keepMs);
  if (history === null) return { state, decisions: [] }; // stale or duplicate report

  let s: DegradationState = { ...state, history };
  const decisions: Decision[] = [];
  const decide = (type: DecisionType) => decisions.push({ type, atMs: now });
  const poor = heldFor(history.spans, now, sustainMs / p.poorRatio, sustainMs, (x) => isPoor(x, p));
  const goodFor = (waitMs: number) => heldFor(history.spans, now, waitMs, waitMs, (x) => isGood(x, p));
  const baseWaitMs = p.recoverSeconds * 1000;

  switch (s.phase) {
    case 'video':
      if (s.armed && poor) {
        s = { ...s, episodes: s.episodes + 1 };
        if (p.mode === 'automatic') {
          decide('switch-audio-only');
          s = enterAudioOnly(s, now, false);
        } else {
          decide('offer-audio-only');
          s = { ...s, phase: 'audio-only-offered' };
        }
      } else if (!s.armed && goodFor(baseWaitMs)) s = { ...s, armed: true };
      break;
    case 'audio-only-offered':
      if (goodFor(recoveryWaitMs(s, p))) {
        decide('withdraw-offer');
        s = { ...s, phase: 'video', armed: true };
      }
      break;
    case 'audio-only':
      if (s.audioOnlyByUser) break;
      if (s.armed && goodFor(recoveryWaitMs(s, p))) {
        decide('offer-video-again');
        s = { ...s, phase: 'video-offered' };
      } else if (!s.armed && poor) s = { ...s, armed: true };
      break;
    case 'video-offered':
      if (poor) {
        decide('withdraw-offer');
        s = { ...s, phase: 'audio-only' };
      }
      break;
  }

  // The phone bridge is for when dropping video was not enough.
  if (modalityOf(s.phase) === 'audio-only') {
    if (!s.bridgeAdvised && phoneBridgeAdvice(s.history.spans, now, p)) {
      decide('advise-phone-bridge');
      s = { ...s, bridgeAdvised: true };
    } else if (s.bridgeAdvised && goodFor(baseWaitMs)) s = { ...s, bridgeAdvised: false };
  }
  return { state: s, decisions };
}

function onModality(state: DegradationState, modality: Modality, atMs: number): DegradationState {
  if (typeof atMs !== 'number' || !Number.isFinite(atMs))
    throw new QualityInputError('atMs', `must be a finite number, got ${String(atMs)}`);
  if (modality === modalityOf(state.phase)) return state;
  const at = Math.max(atMs, state.history.lastEndMs ?? atMs);
  if (modality === 'audio-only') return enterAudioOnly(state, at, state.phase !== 'audio-only-offered');
  return { ...state, phase: 'video', armed: true, audioOnlyByUser: false, history: emptyHistory(at) };
}

/**
 * Video goes off. Quality measured with video on says little about the path without it, so the
 * history starts over.
 */
function enterAudioOnly(state: DegradationState, atMs: number, byUser: boolean): DegradationState {
  return {
    ...state,
    phase: 'audio-only',
    armed: true,
    audioOnlyByUser: byUser,
    bridgeAdvised: false,
    history: emptyHistory(atMs),
  };
}

function onDeclined(state: DegradationState): DegradationState {
  if (state.phase === 'audio-only-offered') return { ...state, phase: 'video', armed: false };
  if (state.phase === 'video-offered') return { ...state, phase: 'audio-only', armed: false };
  return state;
}
