import type { Queryable } from '../../platform/db/pool.js';
import type { Access } from './access.js';
import type { Issue } from '../../platform/http/operation-outcome.js';
import type { Definitions } from '../definitions/index.js';
import type { CreateBatcher } from '../storage/create-batcher.js';
import type { ResourceStore } from '../storage/resource-store.js';

/** Finds resources matching search criteria; used by conditional interactions. */
export interface ResourceMatcher {
  /**
   * Up to `limit` resources of `resourceType` matching `criteria` (query-string pairs) that the
   * caller may see, seen through `scope.q` so that a transaction's own uncommitted writes count.
   */
  match(
    scope: Scope,
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

/** Who is asking: the tenant they act in and what they may do there. */
export interface Caller {
  tenantId: number;
  access: Access;
}

/** Where an interaction runs: one caller's tenant, through one connection or transaction. */
export interface Scope extends Caller {
  q: Queryable;
}
