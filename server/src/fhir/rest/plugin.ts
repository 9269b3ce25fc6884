import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/pool.js';
import type { Definitions } from '../definitions/index.js';
import type { Caller } from '../interactions/deps.js';
import { Subsetter } from '../search/query/index.js';
import type { SearchParamRegistry } from '../storage/search-param-registry.js';
import type { RestContext } from './context.js';
import { compartmentParamIds } from '../interactions/everything.js';
import { createFhirDeps } from './deps-factory.js';
import { instanceRoutes } from './routes-instance.js';
import { systemRoutes } from './routes-system.js';
import { typeRoutes } from './routes-type.js';

/** What the FHIR REST layer needs from the app; app.ts registers it under prefix `/fhir/R4`. */
export interface FhirRestOptions {
  db: Database;
  defs: Definitions;
  registry: SearchParamRegistry;
  /** Absolute base of the FHIR endpoint, e.g. `http://localhost:8080/fhir/R4`. */
  fhirBaseUrl: string;
  /** Who asks: the tenant and the access policy of a request (auth/access, from its access token). */
  callerOf: (req: FastifyRequest) => Caller;
  /** Called after a transaction that wrote outbox rows commits, so the relay publishes at once. */
  onCommitted: () => void;
  bodyLimit: number;
  software?: { name: string; version: string };
  /** CapabilityStatement `rest.security`: how clients obtain access tokens. */
  capabilitySecurity?: object;
}

/** The FHIR R4 REST API: instance, type and system interactions over the storage and search layers. */
export const fhirRestPlugin: FastifyPluginAsync<FhirRestOptions> = async (app, opts) => {
  const { deps, searcher, indexer } = await createFhirDeps(opts);
  const ctx: RestContext = {
    db: opts.db,
    deps,
    searcher,
    indexer,
    subsetter: new Subsetter(opts.defs),
    fhirBaseUrl: opts.fhirBaseUrl,
    compartmentParams: compartmentParamIds(opts.registry),
    callerOf: opts.callerOf,
    onCommitted: opts.onCommitted,
  };
  systemRoutes(app, ctx, opts.software ?? { name: 'OpenVisit', version: '0.1.0' }, opts.capabilitySecurity);
  typeRoutes(app, ctx);
  instanceRoutes(app, ctx);
};
