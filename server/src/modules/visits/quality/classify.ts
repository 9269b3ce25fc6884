/**
 * What a span of quality means under a policy. Between "poor" and "good" lies a margin that is
 * neither: hovering around a threshold then neither degrades nor recovers a visit.
 */
import type { Span } from './history.js';
import type { ResolvedPolicy } from './policy.js';

/** Audio MOS below the threshold, or video loss above it. */
export function isPoor(s: Span, p: ResolvedPolicy): boolean {
  return (
    (s.audioMos !== null && s.audioMos < p.mosThreshold) ||
    (s.videoLossPercent !== null && s.videoLossPercent > p.lossThreshold)
  );
}

/**
 * Audio MOS clear of the threshold by the margin, and loss clear of the loss threshold by its
 * margin. Audio loss counts too: while audio-only it is the only sign of what the path would do
 * to video, and video suffers from loss more than speech does. Unknown audio is never good.
 */
export function isGood(s: Span, p: ResolvedPolicy): boolean {
  const lossLimit = p.lossThreshold - p.lossRecoverMargin;
  return (
    s.audioMos !== null &&
    s.audioMos >= p.mosThreshold + p.mosRecoverMargin &&
    (s.audioLossPercent ?? 0) <= lossLimit &&
    (s.videoLossPercent ?? 0) <= lossLimit
  );
}

/** Audio too poor even for an audio-only call. */
export function isBelowBridgeFloor(s: Span, p: ResolvedPolicy): boolean {
  return s.audioMos !== null && s.audioMos < p.phoneBridgeMosFloor;
}
