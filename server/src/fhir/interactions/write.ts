import jsonPatch, { type Operation } from 'fast-json-patch';
import { parseStoredJson } from '../../platform/json/lossless-numbers.js';
import {
  badRequest,
  conflict,
  FhirError,
  notFound,
  unprocessable,
} from '../../platform/http/operation-outcome.js';
import {
  IdTaken,
  VersionConflict,
  type FhirResource,
  type StoredVersion,
} from '../storage/resource-store.js';
import { findSingleMatch, lockCriteria, parseCriteria } from './criteria.js';
import { afterLostRace, staleIfMatch } from './backoff.js';
import type { Caller, InteractionDeps, Scope } from './deps.js';
import { checkId, checkResource, checkType } from './request-body.js';

export interface WriteResult {
  /** 201 when a resource (or a new life of a deleted one) was created, 200 otherwise. */
  status: 200 | 201;
  stored: StoredVersion;
}

/** Create with a server-assigned id; with `ifNoneExist`, only when nothing matches (conditional create). */
export async function createResource(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  body: unknown,
  ifNoneExist?: string,
  /** An id chosen in advance, e.g. for a transaction entry that others reference by its urn:uuid. */
  assignedId?: string,
): Promise<WriteResult> {
  checkType(deps, type);
  scope.access.require(type, 'c', 'create');
  const checked = checkResource(deps, body, type);
  if (ifNoneExist !== undefined) {
    const criteria = parseCriteria(ifNoneExist, type);
    await lockCriteria(scope, type, criteria);
    const match = await findSingleMatch(deps, scope, type, criteria, 'Conditional create');
    if (match) {
      const existing = await deps.store.read(scope.q, scope.tenantId, type, match.id);
      if (existing && !existing.deleted) return { status: 200, stored: existing };
    }
  }
  const resource = (await scope.access.write('create', checked, undefined)) as FhirResource;
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = await deps.store.create(scope.q, scope.tenantId, resource, assignedId);
      scope.access.wrote('create', stored);
      return { status: 201, stored };
    } catch (err) {
      if (err instanceof IdTaken && assignedId !== undefined)
        throw conflict('The assigned id is already taken');
      // a random UUID colliding is practically impossible; retry rather than fail if it ever happens
      if (!(err instanceof IdTaken) || attempt >= 3) throw err;
    }
  }
}

/**
 * A plain create (server-assigned id, no conditions, not part of a Bundle), validated here and written
 * through the batcher, which may share one statement with other creates of the tenant arriving at
 * the same time. Takes no connection of its own while it waits.
 */
export async function createResourceBatched(
  deps: InteractionDeps,
  caller: Caller,
  type: string,
  body: unknown,
): Promise<WriteResult> {
  checkType(deps, type);
  caller.access.require(type, 'c', 'create');
  const checked = checkResource(deps, body, type);
  const resource = (await caller.access.write('create', checked, undefined)) as FhirResource;
  const stored = await deps.batcher.create(caller.tenantId, resource);
  caller.access.wrote('create', stored);
  return { status: 201, stored };
}

/**
 * Creates several resources of one type with ids chosen in advance, in the caller's transaction and
 * in one statement: all or none (a taken id fails them all). Each is validated and access-checked
 * as a single create would be.
 */
export async function createResourcesWithIds(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  bodies: readonly unknown[],
  ids: readonly string[],
): Promise<StoredVersion[]> {
  checkType(deps, type);
  scope.access.require(type, 'c', 'create');
  const resources: FhirResource[] = [];
  for (const body of bodies)
    resources.push(
      (await scope.access.write('create', checkResource(deps, body, type), undefined)) as FhirResource,
    );
  const stored = await deps.store.createMany(scope.q, scope.tenantId, resources, ids);
  for (const version of stored) scope.access.wrote('create', version);
  return stored;
}

/**
 * Update, or create with the client's id when the resource doesn't exist (update-as-create).
 * `ifMatch` (the version the client saw) makes the update conditional on it: 412 when stale.
 */
export async function updateResource(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  id: string,
  body: unknown,
  ifMatch?: number,
): Promise<WriteResult> {
  checkType(deps, type);
  checkId(id);
  scope.access.require(type, 'u', 'update');
  const resource = checkResource(deps, body, type);
  if (resource.id === undefined) throw badRequest('An update must carry the resource id', ['id']);
  if (resource.id !== id) throw badRequest('The resource id does not match the id in the URL', ['id']);
  return writeVersion(deps, scope, resource, id, ifMatch, 'PUT');
}

async function writeVersion(
  deps: InteractionDeps,
  scope: Scope,
  resource: FhirResource,
  id: string,
  ifMatch: number | undefined,
  method: 'PUT' | 'PATCH',
): Promise<WriteResult> {
  const type = resource.resourceType;
  for (let attempt = 0; ; attempt++) {
    const current = await deps.store.read(scope.q, scope.tenantId, type, id);
    const live = current && !current.deleted ? current : undefined;
    // Out of the caller's reach a resource does not exist for them; writing it anew is a create.
    if (live && (await scope.access.view('update', viewOf(live), scope.q)) === null)
      throw notFound(`${type} resource not found`);
    if (ifMatch !== undefined && (!current || current.deleted || current.versionId !== ifMatch)) {
      throw staleIfMatch();
    }
    const action = method === 'PATCH' ? 'patch' : 'update';
    if (!live) scope.access.require(type, 'c', 'create');
    const allowed = (await scope.access.write(live ? action : 'create', resource, live)) as FhirResource;
    try {
      if (!current) {
        const created = await deps.store.create(scope.q, scope.tenantId, allowed, id);
        scope.access.wrote('create', created);
        return { status: 201, stored: created };
      }
      const stored = await deps.store.update(scope.q, scope.tenantId, allowed, id, current.versionId, method);
      scope.access.wrote(live ? action : 'create', stored);
      return { status: current.deleted ? 201 : 200, stored };
    } catch (err) {
      const raced = err instanceof VersionConflict || err instanceof IdTaken;
      if (!raced) throw err;
      await afterLostRace(attempt, ifMatch);
    }
  }
}

/** PUT Type?criteria: update the one match, create when none, 412 when several. */
export async function conditionalUpdate(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  criteriaText: string,
  body: unknown,
  ifMatch?: number,
): Promise<WriteResult> {
  checkType(deps, type);
  scope.access.require(type, 'u', 'update');
  const resource = checkResource(deps, body, type);
  const criteria = parseCriteria(criteriaText, type);
  await lockCriteria(scope, type, criteria);
  const match = await findSingleMatch(deps, scope, type, criteria, 'Conditional update');
  if (match) {
    if (resource.id !== undefined && resource.id !== match.id) {
      throw badRequest('The resource id does not match the resource found by the criteria', ['id']);
    }
    return writeVersion(deps, scope, resource, match.id, ifMatch, 'PUT');
  }
  if (resource.id !== undefined) {
    checkId(resource.id);
    return writeVersion(deps, scope, resource, resource.id, ifMatch, 'PUT');
  }
  scope.access.require(type, 'c', 'create');
  const allowed = (await scope.access.write('create', resource, undefined)) as FhirResource;
  const created = await deps.store.create(scope.q, scope.tenantId, allowed);
  scope.access.wrote('create', created);
  return { status: 201, stored: created };
}

/** JSON Patch (RFC 6902) applied to the current version, then validated like an update. */
export async function patchResource(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  id: string,
  patch: unknown,
  ifMatch?: number,
): Promise<WriteResult> {
  checkType(deps, type);
  checkId(id);
  scope.access.require(type, 'u', 'patch');
  const ops = checkPatch(patch);
  for (let attempt = 0; ; attempt++) {
    const current = await deps.store.read(scope.q, scope.tenantId, type, id);
    if (!current) throw notFound(`${type} resource not found`);
    // A patch applies to what the caller can see; out of reach, the resource does not exist for them.
    const visible = current.deleted
      ? current.content
      : await scope.access.view('patch', viewOf(current), scope.q);
    if (visible === null) throw notFound(`${type} resource not found`);
    if (current.deleted || current.content === null)
      throw new FhirError(410, {
        severity: 'error',
        code: 'deleted',
        diagnostics: `${type} resource was deleted`,
      });
    if (ifMatch !== undefined && current.versionId !== ifMatch) {
      throw staleIfMatch();
    }
    const patched = applyOps(parseStoredJson(visible ?? current.content) as FhirResource, ops);
    if (patched.resourceType !== type || patched.id !== id) {
      throw unprocessable('A patch may not change the resourceType or id');
    }
    const resource = (await scope.access.write(
      'patch',
      checkResource(deps, patched, type),
      current,
    )) as FhirResource;
    try {
      const stored = await deps.store.update(
        scope.q,
        scope.tenantId,
        resource,
        id,
        current.versionId,
        'PATCH',
      );
      scope.access.wrote('patch', stored);
      return { status: 200, stored };
    } catch (err) {
      if (!(err instanceof VersionConflict)) throw err;
      await afterLostRace(attempt, ifMatch);
    }
  }
}

/** PATCH Type?criteria: patch the single match. */
export async function conditionalPatch(
  deps: InteractionDeps,
  scope: Scope,
  type: string,
  criteriaText: string,
  patch: unknown,
  ifMatch?: number,
): Promise<WriteResult> {
  checkType(deps, type);
  const criteria = parseCriteria(criteriaText, type);
  const match = await findSingleMatch(deps, scope, type, criteria, 'Conditional patch');
  if (!match) throw notFound('Conditional patch: no resource matches the criteria');
  return patchResource(deps, scope, type, match.id, patch, ifMatch);
}

function checkPatch(patch: unknown): Operation[] {
  if (!Array.isArray(patch) || patch.length === 0) {
    throw badRequest('A JSON Patch must be a non-empty array of operations');
  }
  for (const [i, op] of patch.entries()) {
    const o = op as { op?: unknown; path?: unknown };
    if (!op || typeof op !== 'object' || typeof o.op !== 'string' || typeof o.path !== 'string') {
      throw badRequest(`JSON Patch operation ${i} needs "op" and "path"`);
    }
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(o.op)) {
      throw badRequest(`JSON Patch operation ${i} has an unknown op`);
    }
  }
  return patch as Operation[];
}

function applyOps(doc: FhirResource, ops: Operation[]): FhirResource {
  try {
    // applied in place on a fresh parse, so untouched decimals keep their stored precision
    return jsonPatch.applyPatch(doc, ops, true, true).newDocument;
  } catch (err) {
    const name = (err as { name?: string }).name;
    // a failed "test" operation is a precondition, anything else an invalid patch for this resource
    if (name === 'TEST_OPERATION_FAILED') throw unprocessable('JSON Patch test operation failed');
    throw unprocessable('The JSON Patch cannot be applied to this resource');
  }
}

function viewOf(v: StoredVersion): { resourceType: string; id: string; content: string } {
  return { resourceType: v.resourceType, id: v.id, content: v.content ?? '' };
}
