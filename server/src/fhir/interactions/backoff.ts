import { conflict, preconditionFailed, type FhirError } from '../../platform/http/operation-outcome.js';

// Optimistic writes retry when another writer got in first; each round lets at least one writer
// through, so this bounds how many concurrent writers of one resource succeed before a 409.
const MAX_ATTEMPTS = 30;

/** A short random pause before retrying a write that lost a race, so retries don't collide again. */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** Math.min(attempt, 5));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * After a write lost a version race: 412 when the client named the version it expected (If-Match),
 * 409 after too many rounds, otherwise a pause before the caller tries again.
 */
export async function afterLostRace(attempt: number, ifMatch: number | undefined): Promise<void> {
  if (ifMatch !== undefined) throw preconditionFailed('The resource was changed by someone else');
  if (attempt >= MAX_ATTEMPTS) throw conflict('The resource is being changed concurrently; try again');
  await backoff(attempt);
}

/** 412 for an If-Match that names a version other than the current one. */
export function staleIfMatch(): FhirError {
  return preconditionFailed(
    'The resource was changed by someone else (If-Match does not match the current version)',
  );
}
