import type { FastifyInstance } from 'fastify';
import type { BookingServices } from './booking/services.js';
import { schedulingAdminRoutes } from './http/admin-routes.js';
import { schedulingOperations } from './http/fhir-operations.js';

/** Where the scheduling configuration API lives (the times themselves are FHIR operations). */
export const SCHEDULING_API_PREFIX = '/api/scheduling';

/** Registers the FHIR operations in the FHIR API's (authenticated, audited) scope. */
export function registerSchedulingOperations(
  fhirScope: FastifyInstance,
  services: BookingServices,
  fhirPrefix: string,
): void {
  schedulingOperations(fhirScope, services, fhirPrefix);
}

/** Registers the JSON configuration routes in a scope guarded by the same access plugin. */
export function registerSchedulingAdmin(apiScope: FastifyInstance, services: BookingServices): void {
  schedulingAdminRoutes(apiScope, services, SCHEDULING_API_PREFIX);
}
