/**
 * What the booking code needs of the slot engine (availability/): one seam, so booking and slot
 * search always agree on what a free time is and on the range a booking blocks.
 */
export { findSlots, blockedRange } from '../availability/index.js';
