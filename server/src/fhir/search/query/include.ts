import type { SearchParamRegistry } from '../../storage/search-param-registry.js';
import { SqlParams, TENANT } from './sql.js';
import type { IncludeSpec } from './types.js';

// A type alias, not an interface: query rows must be assignable to Record<string, unknown>.
export type ResourceRow = {
  rid: string;
  res_type: string;
  id: string;
  content: string;
  /** Present when the query asked for it (SearchEngine's patient column). */
  patients?: string[] | null;
};

export type RunQuery = (sql: string, values: unknown[]) => Promise<ResourceRow[]>;

/** `:iterate` rounds after the first; bounds the work a cyclic graph can cause. */
export const MAX_ITERATIONS = 3;
/** Included resources per response, across all rounds. */
export const MAX_INCLUDED = 1000;

function paramIds(registry: SearchParamRegistry, spec: IncludeSpec): number[] {
  return spec.params
    .filter((c) => registry.has(spec.sourceType, c))
    .map((c) => registry.id(spec.sourceType, c));
}

function includeSql(
  spec: IncludeSpec,
  ids: number[],
  from: ResourceRow[],
  p: SqlParams,
  limit: number,
  extraColumns: string,
): string | undefined {
  if (ids.length === 0) return undefined;
  const cols = `r.rid, r.res_type, r.id, r.content${extraColumns}`;
  const target = spec.targetType ? ` AND i.target_type = ${p.add(spec.targetType, 'text')}` : '';
  if (!spec.rev) {
    const rids = from.filter((r) => r.res_type === spec.sourceType).map((r) => r.rid);
    if (rids.length === 0) return undefined;
    return `SELECT DISTINCT ${cols} FROM idx_reference i JOIN resource r ON r.tenant_id = ${TENANT} AND r.res_type = i.target_type AND r.id = i.target_id AND NOT r.deleted WHERE i.tenant_id = ${TENANT} AND ${p.inIds('i.param_id', ids)} AND i.rid = ANY(${p.add(rids, 'bigint[]')})${target} LIMIT ${limit}`;
  }
  const types = p.add(
    from.map((r) => r.res_type),
    'text[]',
  );
  const rids = p.add(
    from.map((r) => r.id),
    'text[]',
  );
  return `SELECT DISTINCT ${cols} FROM idx_reference i JOIN resource r ON r.rid = i.rid AND r.tenant_id = ${TENANT} AND r.res_type = ${p.add(spec.sourceType, 'text')} AND NOT r.deleted WHERE i.tenant_id = ${TENANT} AND ${p.inIds('i.param_id', ids)} AND (i.target_id, i.target_type) IN (SELECT * FROM unnest(${rids}, ${types}))${target} LIMIT ${limit}`;
}

/**
 * Follows `_include`/`_revinclude` from the page's matches; `:iterate` specs also from what was
 * just included, for up to MAX_ITERATIONS more rounds. Returns each included resource once and
 * never one that is already a match.
 */
export async function loadIncludes(
  run: RunQuery,
  tenantId: number,
  registry: SearchParamRegistry,
  specs: IncludeSpec[],
  matches: ResourceRow[],
  /** More columns of `r` to read (`, <expr> AS name`), as the page's rows have them. */
  extraColumns = '',
): Promise<ResourceRow[]> {
  const seen = new Set(matches.map((m) => m.rid));
  const included: ResourceRow[] = [];
  let frontier = matches;
  for (let round = 0; round <= MAX_ITERATIONS && frontier.length > 0; round++) {
    const active = round === 0 ? specs : specs.filter((s) => s.iterate);
    if (active.length === 0) break;
    const added: ResourceRow[] = [];
    for (const spec of active) {
      const room = MAX_INCLUDED - included.length - added.length;
      if (room <= 0) break;
      const p = new SqlParams(tenantId);
      const sql = includeSql(spec, paramIds(registry, spec), frontier, p, room, extraColumns);
      if (!sql) continue;
      for (const row of await run(sql, p.values)) {
        if (seen.has(row.rid)) continue;
        seen.add(row.rid);
        added.push(row);
      }
    }
    included.push(...added);
    frontier = added;
  }
  return included;
}
