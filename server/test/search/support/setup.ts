import { definitions } from '../../../src/fhir/definitions/index.js';
import { SearchEngine } from '../../../src/fhir/search/query/index.js';
import type { SearchRequest } from '../../../src/fhir/search/query/index.js';
import { SearchParamRegistry } from '../../../src/fhir/storage/search-param-registry.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { TestStore } from './store.js';

export const BASE = 'https://ov.test/fhir/R4';

export interface Bundle {
  resourceType: string;
  type: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: {
    fullUrl: string;
    resource: Record<string, unknown> & { id: string; resourceType: string };
    search: { mode: string };
  }[];
}

export interface Fixture {
  t: TestDatabase;
  engine: SearchEngine;
  store: TestStore;
  registry: SearchParamRegistry;
  /** Runs a search for tenant A (or `tenant`) and returns the parsed Bundle. */
  search(
    resourceType: string | undefined,
    query: string,
    opts?: { strict?: boolean; tenant?: number },
  ): Promise<Bundle>;
  /** The ids of the `match` entries. */
  ids(
    resourceType: string | undefined,
    query: string,
    opts?: { strict?: boolean; tenant?: number },
  ): Promise<string[]>;
}

export function pairs(query: string): [string, string][] {
  return [...new URLSearchParams(query).entries()];
}

export async function createFixture(): Promise<Fixture> {
  const t = await createTestDatabase();
  const defs = definitions();
  const registry = await SearchParamRegistry.load(t.db, defs);
  const engine = new SearchEngine({
    db: t.db,
    defs,
    registry,
    fhirBaseUrl: BASE,
    cursorSecret: 'test-secret',
  });
  const store = new TestStore(t.db, registry);
  const search: Fixture['search'] = async (resourceType, query, opts = {}) => {
    const req: SearchRequest = {
      params: pairs(query),
      strict: opts.strict ?? false,
      ...(resourceType ? { resourceType } : {}),
    };
    const res = await engine.search(opts.tenant ?? t.tenantA, req);
    return JSON.parse(res.bundle) as Bundle;
  };
  return {
    t,
    engine,
    store,
    registry,
    search,
    async ids(resourceType, query, opts) {
      const b = await search(resourceType, query, opts);
      return (b.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource.id);
    },
  };
}

/** The `_cursor` and the rest of a link's query, for following it. */
export function followLink(url: string): string {
  return url.slice(url.indexOf('?') + 1);
}
