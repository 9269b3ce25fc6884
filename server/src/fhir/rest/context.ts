import type { FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/pool.js';
import type { Caller, InteractionDeps, Scope } from '../interactions/deps.js';
import type { Indexer } from '../search/indexer/index.js';
import type { Subsetter } from '../search/query/index.js';

/** A search over one type (or all types when resourceType is undefined) answering a searchset Bundle. */
export interface Searcher {
  search(
    scope: Scope,
    request: { resourceType?: string; params: [string, string][]; strict: boolean },
    /** The request path + query the `self` link is built from */
    selfPath: string,
  ): Promise<string>;
}

export interface RestContext {
  db: Database;
  deps: InteractionDeps;
  searcher: Searcher;
  indexer: Indexer;
  /** `_summary` / `_elements` on reads */
  subsetter: Subsetter;
  fhirBaseUrl: string;
  /** Search parameter ids that put a resource in a patient's compartment (`$everything`). */
  compartmentParams: readonly number[];
  /** Who asks (tenant and access policy), as established by the FHIR plugin's authentication hook. */
  callerOf: (req: FastifyRequest) => Caller;
  onCommitted: () => void;
}

/** Runs an interaction on one connection of the caller's tenant. */
export function inTenant<T>(
  ctx: RestContext,
  req: FastifyRequest,
  fn: (scope: Scope) => Promise<T>,
): Promise<T> {
  const caller = ctx.callerOf(req);
  return ctx.db.withTenant(caller.tenantId, (q) => fn({ ...caller, q }));
}

/** Runs an interaction in one transaction of the caller's tenant (conditional writes, Bundles). */
export function inTransaction<T>(
  ctx: RestContext,
  req: FastifyRequest,
  fn: (scope: Scope) => Promise<T>,
): Promise<T> {
  const caller = ctx.callerOf(req);
  return ctx.db.transaction(caller.tenantId, (q) => fn({ ...caller, q }));
}

export function queryPairs(req: FastifyRequest): [string, string][] {
  const raw = req.raw.url ?? '';
  const q = raw.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(raw.slice(q + 1)).entries()];
}

export function flag(pairs: [string, string][], name: string): string | undefined {
  return pairs.find(([k]) => k === name)?.[1];
}
