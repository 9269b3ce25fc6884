import { gone, notFound } from '../../platform/http/operation-outcome.js';
import type { StoredVersion } from '../storage/resource-store.js';
import type { AccessAction } from './access.js';
import type { InteractionDeps, Scope } from './deps.js';
import { checkId, checkType } from './request-body.js';

/** The current version; 404 when it never existed, 410 when it is deleted. */
export async function readResource(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  id: string,
): Promise<StoredVersion> {
  checkType(deps, type);
  checkId(id);
  scope.access.require(type, 'r', 'read');
  const found = await deps.store.read(scope.q, scope.tenantId, type, id);
  if (!found) throw notFound(`${type} resource not found`);
  if (found.deleted) throw gone(`${type} resource was deleted`);
  await checkCriteria(deps, scope, type, id);
  return shown(scope, 'read', found);
}

/**
 * A resource outside the caller's granular scope does not exist for them. Checked on the current
 * version (a vread of an older one is judged by what the resource is now).
 */
async function checkCriteria(deps: InteractionDeps, scope: Scope, type: string, id: string): Promise<void> {
  const criteria = scope.access.criteria(type, 'r');
  if (!criteria) return;
  const match = await deps.matcher.match(scope, type, [['_id', id], ...criteria], 1);
  if (match.length === 0) throw notFound(`${type} resource not found`);
}

/** The version as the caller may see it; out of their reach it does not exist for them. */
async function shown(scope: Scope, action: AccessAction, v: StoredVersion): Promise<StoredVersion> {
  const content = await scope.access.view(
    action,
    {
      resourceType: v.resourceType,
      id: v.id,
      content: v.content ?? '',
    },
    scope.q,
  );
  if (content === null) throw notFound(`${v.resourceType} resource not found`);
  return content === v.content ? v : { ...v, content };
}

export async function vreadResource(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  id: string,
  versionId: string,
): Promise<StoredVersion> {
  checkType(deps, type);
  checkId(id);
  scope.access.require(type, 'r', 'vread');
  const vid = Number(versionId);
  if (!Number.isInteger(vid) || vid < 1) throw notFound('No such version');
  const found = await deps.store.vread(scope.q, scope.tenantId, type, id, vid);
  if (!found) throw notFound(`${type} resource version not found`);
  if (found.deleted) throw gone(`${type} resource version is a deletion`);
  await checkCriteria(deps, scope, type, id);
  return shown(scope, 'vread', found);
}
