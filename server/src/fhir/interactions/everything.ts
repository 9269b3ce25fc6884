import { badRequest } from '../../platform/http/operation-outcome.js';
import { patientCompartmentParams } from '../definitions/compartments.js';
import type { SearchParamRegistry } from '../storage/search-param-registry.js';
import type { ResourceView } from './access.js';
import type { InteractionDeps, Scope } from './deps.js';
import { readResource } from './read.js';

/** More than this many resources in one answer is refused rather than cut short silently. */
export const EVERYTHING_LIMIT = 10_000;

export interface EverythingParams {
  /** Only resources changed at or after this instant (`_since`). */
  since?: string;
  /** Only these resource types (`_type`). */
  types?: string[];
}

/** The search parameter ids through which resources belong to a patient's compartment. */
export function compartmentParamIds(registry: SearchParamRegistry): number[] {
  const ids: number[] = [];
  for (const [type, codes] of patientCompartmentParams())
    for (const code of codes) if (registry.has(type, code)) ids.push(registry.id(type, code));
  return ids;
}

const EVERYTHING = `SELECT r.res_type, r.id, r.content FROM resource r
  WHERE r.tenant_id = $1 AND NOT r.deleted
    AND r.rid IN (SELECT i.rid FROM idx_reference i
                  WHERE i.tenant_id = $1 AND i.param_id = ANY($2::int[])
                    AND i.target_type = 'Patient' AND i.target_id = $3)
    AND ($4::text[] IS NULL OR r.res_type = ANY($4::text[]))
    AND ($5::timestamptz IS NULL OR r.last_updated >= $5::timestamptz)
  ORDER BY r.res_type, r.rid
  LIMIT ${EVERYTHING_LIMIT + 1}`;

/**
 * `Patient/{id}/$everything`: the patient and every current resource of their compartment (the R4
 * CompartmentDefinition's parameters), as the caller may see them: the patient read first (out of
 * reach it does not exist for them), then each resource through the access policy, audited as one
 * export of that patient's record.
 */
export async function patientEverything(
  deps: InteractionDeps,
  scope: Scope,
  paramIds: readonly number[],
  id: string,
  params: EverythingParams,
): Promise<(ResourceView & { content: string })[]> {
  for (const type of params.types ?? [])
    if (!deps.defs.isResourceType(type)) throw badRequest(`Unknown resource type in _type: ${type}`);
  if (params.since !== undefined && Number.isNaN(Date.parse(params.since)))
    throw badRequest('_since must be an instant, e.g. 2024-01-01T00:00:00Z');
  const patient = await readResource(deps, scope, 'Patient', id);
  const res = await scope.q.query<{ res_type: string; id: string; content: string }>(EVERYTHING, [
    scope.tenantId,
    paramIds,
    id,
    params.types && params.types.length > 0 ? params.types : null,
    params.since ?? null,
  ]);
  if (res.rows.length > EVERYTHING_LIMIT)
    throw badRequest(
      `This record has more than ${EVERYTHING_LIMIT} resources: narrow it with _type or _since`,
    );
  // Whose record each one is, and what consents say, comes from its own content: a resource of this
  // compartment may name other patients too.
  const views: ResourceView[] = res.rows.map((r) => ({
    resourceType: r.res_type,
    id: r.id,
    content: r.content,
  }));
  const shown = await scope.access.viewMany('export', views, scope.q);
  const out: (ResourceView & { content: string })[] = [];
  const includePatient = !params.types || params.types.length === 0 || params.types.includes('Patient');
  if (includePatient && patient.content) out.push({ resourceType: 'Patient', id, content: patient.content });
  views.forEach((v, i) => {
    const content = shown[i];
    if (content) out.push({ ...v, content });
  });
  return out;
}
