/** What went wrong, in the terms a person can act on (the UI words each kind). */
export type ApiErrorKind =
  'network' | 'session-expired' | 'forbidden' | 'not-found' | 'unavailable' | 'server';

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
  if (status === 429 || status === 503) return 'unavailable';
  return 'server';
}
