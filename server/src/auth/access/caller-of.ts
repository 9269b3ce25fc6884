import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../fhir/interactions/deps.js';
import { FhirError } from '../../platform/http/operation-outcome.js';

/** The caller of a request that passed the access hook. */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller)
    throw new FhirError(401, {
      severity: 'error',
      code: 'login',
      diagnostics: 'An access token is required',
    });
  return req.caller;
}
