/** What went wrong, in the terms a person can act on (the UI words each kind). */
export type ApiErrorKind =
  'network' | 'session-expired' | 'forbidden' | 'not-found' | 'invalid' | 'unavailable' | 'server';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly status = 0,
  ) {
    super(kind);
  }
}

/** The kind of an HTTP failure status. */
export function kindOfStatus(status: number): ApiErrorKind {
  if (status === 401) return 'session-expired';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  // The server refused what was sent (a validation or business rule), not a fault of its own.
  if (status === 400 || status === 409 || status === 412 || status === 422) return 'invalid';
  if (status === 429 || status === 503) return 'unavailable';
  return 'server';
}
