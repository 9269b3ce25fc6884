import { instanceSecret } from '../../platform/db/instance-secret.js';
import type { Database, Queryable } from '../../platform/db/pool.js';
import { FhirError } from '../../platform/http/operation-outcome.js';
import type { BundleDeps } from '../bundle/process-bundle.js';
import type { Definitions } from '../definitions/index.js';
import type { Access } from '../interactions/access.js';
import type { InteractionDeps } from '../interactions/deps.js';
import { createIndexer, type Indexer } from '../search/indexer/index.js';
import { SearchEngine } from '../search/query/index.js';
import type { SearchRestriction } from '../search/query/types.js';
import { CreateBatcher } from '../storage/create-batcher.js';
import { ResourceStore } from '../storage/resource-store.js';
import type { SearchParamRegistry } from '../storage/search-param-registry.js';
import { validateResource } from '../validation/index.js';
import type { Searcher } from './context.js';

export interface FhirDepsOptions {
  db: Database;
  defs: Definitions;
  registry: SearchParamRegistry;
  /** Absolute base of the FHIR endpoint, e.g. `http://localhost:8080/fhir/R4` (Bundle links, references). */
  fhirBaseUrl: string;
}

export interface FhirDeps extends BundleDeps {
  indexer: Indexer;
  engine: SearchEngine;
}

/**
 * The FHIR layer's interaction dependencies, built the way the REST plugin builds them, for code
 * that writes through the FHIR layer without an HTTP request (the demo seed, importers): pass the
 * result to `processBundle` with a caller.
 */
export async function createFhirDeps(opts: FhirDepsOptions): Promise<FhirDeps> {
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
          {
            ...request,
            params: withCriteria(scope.access, request.resourceType, request.params),
            restriction: searchRestriction(scope.access, scope.q),
          },
          selfPath,
          scope.q,
        )
      ).bundle,
  };
  return { db: opts.db, fhirBaseUrl: opts.fhirBaseUrl, deps, searcher, indexer, engine };
}

/** A type search narrowed by the caller's granular scope, if one applies. */
function withCriteria(
  access: Access,
  type: string | undefined,
  params: [string, string][],
): [string, string][] {
  const extra = type === undefined ? null : access.criteria(type, 's');
  return extra ? [...params, ...extra] : params;
}

/** What a search may reach: searchable types only, bounded by the compartment, every entry vetted. */
export function searchRestriction(access: Access, q: Queryable): SearchRestriction {
  return {
    patients: access.compartment(),
    // Across types, a granularly scoped type is left out (or refused when named): its criteria
    // are search parameters of that type alone.
    types: (types, explicit) => {
      if (!explicit) return types.filter((t) => access.allows(t, 's') && access.criteria(t, 's') === null);
      for (const t of types) {
        access.require(t, 's', 'search');
        if (types.length > 1 && access.criteria(t, 's') !== null)
          throw new FhirError(403, {
            severity: 'error',
            code: 'forbidden',
            diagnostics: `Search ${t} on its own: this token reaches it only through a restricted scope`,
          });
      }
      return types;
    },
    filter: (entries) => access.viewMany('search', entries, q),
    filterWantsPatients: access.wantsPatients,
  };
}
