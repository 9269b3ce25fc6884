/**
 * When to advise the phone bridge: audio alone still sounds worse than a phone line would.
 */
import { isBelowBridgeFloor } from './classify.js';
import { heldFor, type Span } from './history.js';
import type { ResolvedPolicy } from './policy.js';

/**
 * True when audio MOS has been below the policy's phone-bridge floor for sustainSeconds within the
 * last sustainSeconds / poorRatio. `spans` should be audio-only time: with video on, dropping video
 * is the cheaper remedy to try first.
 */
export function phoneBridgeAdvice(spans: readonly Span[], nowMs: number, policy: ResolvedPolicy): boolean {
  const needMs = policy.sustainSeconds * 1000;
  return heldFor(spans, nowMs, needMs / policy.poorRatio, needMs, (s) => isBelowBridgeFloor(s, policy));
}
