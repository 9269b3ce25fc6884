import { FhirError } from '../../../platform/http/operation-outcome.js';
import type { Slot } from '../availability/types.js';

/**
 * The time was taken by someone else first (or the clinician's day or week is full): 409, with
 * fresh alternatives the caller can offer at once.
 */
export class SlotTaken extends Error {
  constructor(readonly alternatives: Slot[] = []) {
    super('The time is no longer available');
  }
}

/** A request the scheduling rules refuse (not a time the clinician offers, a visit type not for them). */
export function refused(diagnostics: string, status = 422): FhirError {
  return new FhirError(status, {
    severity: 'error',
    code: status === 403 ? 'forbidden' : 'business-rule',
    diagnostics,
  });
}

export function notFound(what: string): FhirError {
  return new FhirError(404, { severity: 'error', code: 'not-found', diagnostics: `${what} not found` });
}

const EXCLUSION_VIOLATION = '23P01';

/** True for PostgreSQL's "conflicting key value violates exclusion constraint" (the double booking guard). */
export function isOverlap(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === EXCLUSION_VIOLATION;
}

/** PostgreSQL aborted the transaction to break a lock cycle: running it again is safe. */
export function isDeadlock(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '40P01';
}
