/** Call quality for graceful degradation: pure functions of client getStats() reports (no I/O, no clock). */
export { OPUS, G711, G711_PLC, type CodecProfile } from './codecs.js';
export {
  estimateMos,
  rating,
  mosFromRating,
  oneWayDelayMs,
  delayImpairment,
  effectiveEquipmentImpairment,
  DEFAULT_R0,
  type NetworkConditions,
} from './e-model.js';
export { QualityInputError } from './errors.js';
export {
  qualitySample,
  type StatsSnapshot,
  type MediaStatsSnapshot,
  type QualitySample,
  type MediaSample,
  type SampleOptions,
} from './sample.js';
export {
  resolvePolicy,
  DEFAULT_POLICY,
  type DegradationPolicy,
  type DegradationMode,
  type ResolvedPolicy,
} from './policy.js';
export { phoneBridgeAdvice } from './phone-bridge.js';
export type { ObservedQuality, Span } from './history.js';
export {
  initialDegradationState,
  stepDegradation,
  recoveryWaitMs,
  modalityOf,
  type DegradationState,
  type DegradationEvent,
  type Decision,
  type DecisionType,
  type Modality,
  type Phase,
  type Step,
} from './degradation.js';
