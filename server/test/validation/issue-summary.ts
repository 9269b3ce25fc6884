import type { Issue } from '../../src/platform/http/operation-outcome.js';
import { validateResource } from '../../src/fhir/validation/index.js';
import type { ValidateOptions } from '../../src/fhir/validation/index.js';

/** `code expression` per issue, sorted: compact enough to assert a whole result exactly. */
export function summarize(issues: Issue[]): string[] {
  return issues.map((i) => `${i.code} ${(i.expression ?? []).join(',')}`).sort();
}

export function problems(resource: unknown, options?: ValidateOptions): string[] {
  return summarize(validateResource(resource, options));
}
