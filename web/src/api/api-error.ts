/** What went wrong, in the terms a person can act on (the UI words each kind). */
export type ApiErrorKind =
  'network' | 'session-expired' | 'forbidden' | 'not-found' | 'invalid' | 'unavailable' | 'server';

/** What a refusal carried: FHIR's OperationOutcome (a 409 of `$book` also holds alternatives). */
export interface Outcome {
  resourceType?: string;
  issue?: { severity?: string; code?: string; diagnostics?: string }[];
  contained?: unknown[];
}

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly status = 0,
    /** The body of a refusal when the server sent one as JSON. */
    readonly outcome?: Outcome,
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

/**
 * What the server said when it refused: each issue's diagnostics of its OperationOutcome, in order,
 * once each (the server writes them in English and never with patient data). None for an error
 * that carried no OperationOutcome.
 */
export function outcomeDiagnostics(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const said = (error.outcome?.issue ?? [])
    .map((i) => (typeof i.diagnostics === 'string' ? i.diagnostics.trim() : ''))
    .filter(Boolean);
  return [...new Set(said)];
}
