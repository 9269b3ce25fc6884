import { notFound } from '../../platform/http/operation-outcome.js';
import { VersionConflict, type StoredVersion } from '../storage/resource-store.js';
import { findSingleMatch, lockCriteria, parseCriteria } from './criteria.js';
import { afterLostRace, staleIfMatch } from './backoff.js';
import type { InteractionDeps, Scope } from './deps.js';
import { checkId, checkType } from './request-body.js';

export interface DeleteResult {
  /** The deletion version written; undefined when the resource was already deleted (nothing to do). */
  stored?: StoredVersion;
}

/** Deletes a resource: 404 when it never existed; deleting a deleted resource succeeds and changes nothing. */
export async function deleteResource(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  id: string,
  ifMatch?: number,
): Promise<DeleteResult> {
  checkType(deps, type);
  checkId(id);
  scope.access.require(type, 'd', 'delete');
  for (let attempt = 0; ; attempt++) {
    const current = await deps.store.read(scope.q, scope.tenantId, type, id);
    if (!current) throw notFound(`${type} resource not found`);
    if (current.deleted) return {};
    const view = { resourceType: type, id, content: current.content ?? '' };
    if ((await scope.access.view('delete', view, scope.q)) === null)
      throw notFound(`${type} resource not found`);
    if (ifMatch !== undefined && ifMatch !== current.versionId) {
      throw staleIfMatch();
    }
    try {
      const stored = await deps.store.delete(scope.q, scope.tenantId, type, id, current.versionId);
      scope.access.wrote('delete', stored);
      return { stored };
    } catch (err) {
      if (!(err instanceof VersionConflict)) throw err;
      await afterLostRace(attempt, ifMatch);
    }
  }
}

/** DELETE Type?criteria: deletes the single match; none is a no-op; several answer 412. */
export async function conditionalDelete(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  criteriaText: string,
): Promise<DeleteResult> {
  checkType(deps, type);
  scope.access.require(type, 'd', 'delete');
  const criteria = parseCriteria(criteriaText, type);
  await lockCriteria(scope, type, criteria);
  const match = await findSingleMatch(deps, scope, type, criteria, 'Conditional delete');
  if (!match) return {};
  return deleteResource(deps, scope, type, match.id);
}
