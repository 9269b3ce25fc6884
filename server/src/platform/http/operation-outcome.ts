/** FHIR OperationOutcome issue codes used by OpenVisit (subset of http://hl7.org/fhir/issue-type). */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'conflict'
  | 'exception'
  | 'timeout'
  | 'transient'
  | 'throttled'
  | 'informational'
  | 'too-costly'
  | 'business-rule'
  | 'incomplete';

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export interface Issue {
  severity: IssueSeverity;
  code: IssueCode;
  /** Human-readable; must never contain PHI (no submitted values, only names and paths). */
  diagnostics: string;
  /** FHIRPath locations of the problem, e.g. `Patient.birthDate`. */
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Issue[];
}

export function operationOutcome(issues: Issue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** An error that answers with `status` and an OperationOutcome naming every issue. */
export class FhirError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  readonly headers: Record<string, string>;

  constructor(status: number, issues: Issue[] | Issue, headers: Record<string, string> = {}) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map((i) => i.diagnostics).join('; '));
    this.status = status;
    this.issues = list;
    this.headers = headers;
  }

  get outcome(): OperationOutcome {
    return operationOutcome(this.issues);
  }
}

function simple(status: number, code: IssueCode) {
  return (diagnostics: string, expression?: string[]) =>
    new FhirError(status, { severity: 'error', code, diagnostics, ...(expression ? { expression } : {}) });
}

export const badRequest = simple(400, 'invalid');
export const notFound = simple(404, 'not-found');
export const gone = simple(410, 'deleted');
export const conflict = simple(409, 'conflict');
export const preconditionFailed = simple(412, 'conflict');
export const unprocessable = simple(422, 'processing');
export const notSupported = simple(501, 'not-supported');
export const methodNotAllowed = simple(405, 'not-supported');
export const tooLarge = simple(413, 'too-long');
