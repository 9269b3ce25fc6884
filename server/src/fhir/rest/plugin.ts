import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/pool.js';
import type { Definitions } from '../definitions/index.js';
import type { SearchParamRegistry } from '../storage/search-param-registry.js';

/** What the FHIR REST layer needs from the app; app.ts registers it under prefix `/fhir/R4`. */
export interface FhirRestOptions {
  db: Database;
  defs: Definitions;
  registry: SearchParamRegistry;
  /** Absolute base of the FHIR endpoint, e.g. `http://localhost:8080/fhir/R4`. */
  fhirBaseUrl: string;
  /** The tenant of a request; the identity layer will derive it from the access token. */
  tenantOf: (req: FastifyRequest) => number;
  /** Called after a transaction that wrote outbox rows commits, so the relay publishes at once. */
  onCommitted: () => void;
  bodyLimit: number;
}

export const fhirRestPlugin: FastifyPluginAsync<FhirRestOptions> = async (app) => {
  app.get('/metadata', async (_req, reply) => {
    reply.type('application/fhir+json');
    return { resourceType: 'CapabilityStatement', status: 'draft', kind: 'instance', fhirVersion: '4.0.1', format: ['json'] };
  });
};
