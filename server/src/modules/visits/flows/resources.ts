import crypto from 'node:crypto';
import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { createResourcesWithIds, updateResource } from '../../../fhir/interactions/write.js';
import type { Queryable } from '../../../platform/db/pool.js';
import type { VisitServices } from '../services.js';

/** Creates one resource (a new id) in the caller's transaction; returns its id. */
export async function createInVisit(
  s: VisitServices,
  q: Queryable,
  tenantId: number,
  resource: Record<string, unknown> & { resourceType: string },
): Promise<string> {
  const id = crypto.randomUUID();
  await createResourcesWithIds(
    s.fhir,
    { tenantId, access: OPEN_ACCESS, q },
    resource.resourceType,
    [resource],
    [id],
  );
  return id;
}

/** A definitional resource (a Questionnaire) stored under its own id, written when new or changed. */
export async function ensureDefinition(
  s: VisitServices,
  q: Queryable,
  tenantId: number,
  resource: Record<string, unknown> & { resourceType: string; id: string; version?: string },
): Promise<void> {
  const stored = await s.fhir.store.read(q, tenantId, resource.resourceType, resource.id);
  if (stored && !stored.deleted && stored.content) {
    const current = JSON.parse(stored.content) as { version?: string };
    if (current.version === resource.version) return;
  }
  await updateResource(
    s.fhir,
    { tenantId, access: OPEN_ACCESS, q },
    resource.resourceType,
    resource.id,
    resource,
  );
}

/** A stored resource's JSON, or null. */
export async function readJson<T>(
  s: VisitServices,
  q: Queryable,
  tenantId: number,
  type: string,
  id: string,
): Promise<T | null> {
  const stored = await s.fhir.store.read(q, tenantId, type, id);
  return stored && !stored.deleted && stored.content ? (JSON.parse(stored.content) as T) : null;
}
