import { badRequest, FhirError, notFound, type Issue } from '../../platform/http/operation-outcome.js';
import type { FhirResource } from '../storage/resource-store.js';
import type { InteractionDeps } from './deps.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function checkId(id: string): void {
  if (!ID.test(id))
    throw badRequest('The resource id is not a valid FHIR id (1-64 of A-Z, a-z, 0-9, "-", ".")');
}

export function checkType(deps: InteractionDeps, type: string): void {
  if (!deps.defs.isResourceType(type)) throw notFound('Unknown resource type', [type]);
}

/**
 * Checks a submitted resource: a JSON object of the URL's type, valid against the R4 definitions.
 * Unparseable structure answers 400, other violations 422, each issue named with its location.
 */
export function checkResource(deps: InteractionDeps, body: unknown, expectedType: string): FhirResource {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a FHIR resource (a JSON object)');
  }
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string')
    throw badRequest('The resource has no resourceType', ['resourceType']);
  if (resourceType !== expectedType) {
    throw badRequest(`The resourceType does not match the URL (expected ${expectedType})`, ['resourceType']);
  }
  const issues = deps.validate(body, expectedType);
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (errors.length > 0) throw new FhirError(statusFor(errors), issues);
  return body as FhirResource;
}

function statusFor(errors: Issue[]): number {
  return errors.some((i) => i.code === 'structure') ? 400 : 422;
}
