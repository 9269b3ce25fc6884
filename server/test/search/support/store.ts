import type { Database } from '../../../src/platform/db/pool.js';
import { type IndexRows, emptyIndexRows } from '../../../src/fhir/search/index-rows.js';
import { normalizeString } from '../../../src/fhir/search/normalize.js';
import type { SearchParamRegistry } from '../../../src/fhir/storage/search-param-registry.js';

export type Resource = Record<string, unknown> & { resourceType: string; id: string };

/**
 * Test-only writer: a resource row plus its index rows, in one transaction. `extract` decides the
 * rows (hand-written builders below, or the real indexer); swap this for the storage layer's
 * ResourceStore once tests should exercise the full write path.
 */
export class TestStore {
  constructor(
    private readonly db: Database,
    private readonly registry: SearchParamRegistry,
    private readonly extract?: (r: Resource) => IndexRows,
  ) {}

  /** Creates or replaces `resource`; `rows` overrides extraction. Returns the rid. */
  async put(
    tenantId: number,
    resource: Resource,
    rows?: Partial<IndexRows>,
    lastUpdated = new Date(),
  ): Promise<string> {
    const all: IndexRows = { ...emptyIndexRows(), ...(rows ?? this.extract?.(resource) ?? {}) };
    const content = JSON.stringify({
      ...resource,
      meta: {
        versionId: '1',
        lastUpdated: lastUpdated.toISOString(),
        ...((resource.meta as object | undefined) ?? {}),
      },
    });
    return this.db.transaction(tenantId, async (q) => {
      const res = await q.query<{ rid: string }>(
        `INSERT INTO resource (tenant_id, res_type, id, version_id, last_updated, method, content)
         VALUES ($1, $2, $3, 1, $4, 'POST', $5)
         ON CONFLICT (tenant_id, res_type, id) DO UPDATE SET version_id = resource.version_id + 1,
           last_updated = EXCLUDED.last_updated, content = EXCLUDED.content, deleted = false, method = 'PUT'
         RETURNING rid`,
        [tenantId, resource.resourceType, resource.id, lastUpdated.toISOString(), content],
      );
      const rid = String(res.rows[0]?.rid);
      await clearIndex(q.query.bind(q), rid);
      const pid = (p: string) => this.registry.id(resource.resourceType, p);
      const put = async (table: string, cols: string[], list: unknown[][]) => {
        for (const vals of list) {
          const ph = cols.map((_, i) => `$${i + 5}`).join(', ');
          await q.query(
            `INSERT INTO ${table} (tenant_id, rid, param_id, grp, ${cols.join(', ')}) VALUES ($1, $2, $3, $4, ${ph})`,
            [tenantId, rid, ...vals],
          );
        }
      };
      await put(
        'idx_string',
        ['value', 'norm'],
        all.string.map((r) => [pid(r.param), r.grp, r.value, r.norm]),
      );
      await put(
        'idx_token',
        ['system', 'code', 'text_norm'],
        all.token.map((r) => [pid(r.param), r.grp, r.system, r.code, r.textNorm]),
      );
      await put(
        'idx_date',
        ['lo', 'hi'],
        all.date.map((r) => [pid(r.param), r.grp, r.lo, r.hi]),
      );
      await put(
        'idx_reference',
        ['target_type', 'target_id', 'url', 'canonical_version'],
        all.reference.map((r) => [pid(r.param), r.grp, r.targetType, r.targetId, r.url, r.canonicalVersion]),
      );
      await put(
        'idx_number',
        ['value', 'lo', 'hi'],
        all.number.map((r) => [pid(r.param), r.grp, r.value, r.lo, r.hi]),
      );
      await put(
        'idx_quantity',
        ['system', 'code', 'unit', 'value', 'lo', 'hi'],
        all.quantity.map((r) => [pid(r.param), r.grp, r.system, r.code, r.unit, r.value, r.lo, r.hi]),
      );
      await put(
        'idx_uri',
        ['value'],
        all.uri.map((r) => [pid(r.param), r.grp, r.value]),
      );
      return rid;
    });
  }

  /** Marks the resource deleted and drops its index rows, as storage does. */
  async delete(tenantId: number, type: string, id: string): Promise<void> {
    await this.db.transaction(tenantId, async (q) => {
      const res = await q.query<{ rid: string }>(
        `UPDATE resource SET deleted = true, content = NULL, version_id = version_id + 1, last_updated = now(), method = 'DELETE'
         WHERE tenant_id = $1 AND res_type = $2 AND id = $3 RETURNING rid`,
        [tenantId, type, id],
      );
      const rid = res.rows[0]?.rid;
      if (rid !== undefined) await clearIndex(q.query.bind(q), String(rid));
    });
  }
}

async function clearIndex(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  rid: string,
): Promise<void> {
  for (const t of [
    'idx_string',
    'idx_token',
    'idx_date',
    'idx_reference',
    'idx_number',
    'idx_quantity',
    'idx_uri',
  ]) {
    await query(`DELETE FROM ${t} WHERE rid = $1`, [rid]);
  }
}

/** Builders for hand-written index rows. */
export const rows = {
  str: (param: string, value: string, grp = 0) => ({ param, grp, value, norm: normalizeString(value) }),
  tok: (param: string, system: string | null, code: string | null, text?: string, grp = 0) => ({
    param,
    grp,
    system,
    code,
    textNorm: text === undefined ? null : normalizeString(text),
  }),
  /** lo/hi as ISO instants; hi exclusive. */
  date: (param: string, lo: string, hi: string, grp = 0) => ({ param, grp, lo, hi }),
  ref: (
    param: string,
    targetType: string | null,
    targetId: string | null,
    url: string | null = null,
    canonicalVersion: string | null = null,
    grp = 0,
  ) => ({
    param,
    grp,
    targetType,
    targetId,
    url: url ?? (targetType && targetId ? `${targetType}/${targetId}` : null),
    canonicalVersion,
  }),
  num: (param: string, value: string, grp = 0) => ({ param, grp, value, lo: value, hi: value }),
  qty: (
    param: string,
    value: string,
    system: string | null,
    code: string | null,
    unit: string | null = null,
    grp = 0,
  ) => ({
    param,
    grp,
    value,
    lo: value,
    hi: value,
    system,
    code,
    unit,
  }),
  uri: (param: string, value: string, grp = 0) => ({ param, grp, value }),
};
