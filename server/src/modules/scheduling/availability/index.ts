/** The slot engine: pure functions of configuration, busy time and a clock (no storage, no HTTP). */
export type * from './types.js';
export { expandAvailability, type WorkingInterval } from './working-hours.js';
export { findSlots, blockedRange, searchWindow, busyRangeFor, DEFAULT_SLOT_LIMIT } from './find-slots.js';
export {
  pickClinician,
  pruneRotationState,
  firstAvailable,
  assignFirstAvailable,
  type RotationState,
  type WeightedCandidate,
} from './round-robin.js';
export { parseWeeklyRecurrence, type WeeklyRecurrence } from './weekly-recurrence.js';
export { primaryLanguage } from './clinician-filter.js';
