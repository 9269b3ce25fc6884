import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { instanceSecret } from '../../platform/db/instance-secret.js';
import type { Database } from '../../platform/db/pool.js';
import type { Definitions } from '../definitions/index.js';
import type { Access } from '../interactions/access.js';
import type { Caller, InteractionDeps } from '../interactions/deps.js';
import type { SearchRestriction } from '../search/query/types.js';
import { createIndexer } from '../search/indexer/index.js';
import { SearchEngine, Subsetter } from '../search/query/index.js';
import { CreateBatcher } from '../storage/create-batcher.js';
import { ResourceStore } from '../storage/resource-store.js';
import type { SearchParamRegistry } from '../storage/search-param-registry.js';
import { validateResource } from '../validation/index.js';
import type { RestContext, Searcher } from './context.js';
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
}

/** The FHIR R4 REST API: instance, type and system interactions over the storage and search layers. */
export const fhirRestPlugin: FastifyPluginAsync<FhirRestOptions> = async (app, opts) => {
  const indexer = createIndexer(opts.defs, { baseUrl: opts.fhirBaseUrl });
  const engine = new SearchEngine({
    db: opts.db,
    defs: opts.defs,
    registry: opts.registry,
    fhirBaseUrl: opts.fhirBaseUrl,
    // shared by all nodes, so a paging link issued by one node works on any other
    cursorSecret: await instanceSecret(opts.db, 'search-cursor'),
  });
  const store = new ResourceStore(opts.registry, indexer);
  const deps: InteractionDeps = {
    defs: opts.defs,
    store,
    batcher: new CreateBatcher(opts.db, store),
    validate: (resource, resourceType) => validateResource(resource, resourceType ? { resourceType } : {}),
    matcher: {
      match: (scope, resourceType, criteria, limit) =>
        engine.findIds(
          scope.tenantId,
          {
            resourceType,
            params: criteria,
            strict: true,
            restriction: { patients: scope.access.compartment() },
          },
          { limit, q: scope.q },
        ),
    },
  };
  const searcher: Searcher = {
    search: async (scope, request, selfPath) =>
      (
        await engine.search(
          scope.tenantId,
          { ...request, restriction: restrictionOf(scope.access) },
          selfPath,
          scope.q,
        )
      ).bundle,
  };
  const ctx: RestContext = {
    db: opts.db,
    deps,
    searcher,
    indexer,
    subsetter: new Subsetter(opts.defs),
    fhirBaseUrl: opts.fhirBaseUrl,
    callerOf: opts.callerOf,
    onCommitted: opts.onCommitted,
  };
  systemRoutes(app, ctx, opts.software ?? { name: 'OpenVisit', version: '0.1.0' });
  typeRoutes(app, ctx);
  instanceRoutes(app, ctx);
};

/** What a search may reach: searchable types only, bounded by the compartment, every entry vetted. */
function restrictionOf(access: Access): SearchRestriction {
  return {
    patients: access.compartment(),
    types: (types, explicit) => {
      if (!explicit) return types.filter((t) => access.allows(t, 's'));
      for (const t of types) access.require(t, 's', 'search');
      return types;
    },
    filter: (entries) => access.viewMany('search', entries),
  };
}
