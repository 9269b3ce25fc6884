import type { Queryable } from '../../platform/db/pool.js';
import type { Issue } from '../../platform/http/operation-outcome.js';
import type { Definitions } from '../definitions/index.js';
import type { CreateBatcher } from '../storage/create-batcher.js';
import type { ResourceStore } from '../storage/resource-store.js';

/** Finds resources matching search criteria; used by conditional interactions. */
export interface ResourceMatcher {
  /**
   * Up to `limit` resources of `resourceType` matching `criteria` (query-string pairs), seen through
   * `q` so that a transaction's own uncommitted writes count.
   */
  match(
    q: Queryable,
    tenantId: number,
    resourceType: string,
    criteria: [string, string][],
    limit: number,
  ): Promise<{ id: string }[]>;
}

export type ResourceValidator = (resource: unknown, expectedType?: string) => Issue[];

export interface InteractionDeps {
  defs: Definitions;
  store: ResourceStore;
  validate: ResourceValidator;
  matcher: ResourceMatcher;
  /** Coalesces plain creates arriving concurrently into multi-resource statements. */
  batcher: CreateBatcher;
}

/** Where an interaction runs: one tenant, through one connection or transaction. */
export interface Scope {
  tenantId: number;
  q: Queryable;
}
