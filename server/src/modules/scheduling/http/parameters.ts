import { FhirError } from '../../../platform/http/operation-outcome.js';

type Param = {
  name?: string;
  valueString?: string;
  valueCode?: string;
  valueDateTime?: string;
  valueInstant?: string;
  valueInteger?: number;
  valueReference?: { reference?: string };
};

/**
 * An operation's inputs, from a `Parameters` body (POST) or the query string (GET), by name:
 * `get` gives the value as text whatever its FHIR type.
 */
export class OperationInput {
  private constructor(private readonly values: Map<string, string>) {}

  static of(body: unknown, query: unknown): OperationInput {
    const values = new Map<string, string>();
    for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>))
      if (typeof v === 'string') values.set(k, v);
    if (body !== undefined && body !== null && typeof body === 'object') {
      const p = body as { resourceType?: string; parameter?: Param[] };
      if (p.resourceType !== 'Parameters' || !Array.isArray(p.parameter))
        throw new FhirError(400, {
          severity: 'error',
          code: 'invalid',
          diagnostics: 'The body must be a Parameters resource',
        });
      for (const x of p.parameter) {
        if (!x.name) continue;
        const v =
          x.valueString ??
          x.valueCode ??
          x.valueDateTime ??
          x.valueInstant ??
          x.valueReference?.reference ??
          (x.valueInteger !== undefined ? String(x.valueInteger) : undefined);
        if (v !== undefined) values.set(x.name, v);
      }
    }
    return new OperationInput(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  required(name: string): string {
    const v = this.values.get(name);
    if (v === undefined || v === '')
      throw new FhirError(400, {
        severity: 'error',
        code: 'required',
        diagnostics: `Parameter ${name} is required`,
      });
    return v;
  }

  /** An instant with its zone (`2026-03-09T09:00:00-04:00`); a bare date is the day's start in UTC. */
  instant(name: string, fallback?: number): number {
    const v = this.values.get(name);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new FhirError(400, {
        severity: 'error',
        code: 'required',
        diagnostics: `Parameter ${name} is required`,
      });
    }
    const text = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
    const ms = /T.*(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : NaN;
    if (!Number.isFinite(ms))
      throw new FhirError(400, {
        severity: 'error',
        code: 'invalid',
        diagnostics: `Parameter ${name} must be a date or an instant with a time zone`,
      });
    return ms;
  }

  integer(name: string, dflt: number, min: number, max: number): number {
    const v = this.values.get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new FhirError(400, {
        severity: 'error',
        code: 'invalid',
        diagnostics: `Parameter ${name} must be a whole number from ${min} to ${max}`,
      });
    return n;
  }
}
