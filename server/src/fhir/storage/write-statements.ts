/**
 * The SQL of resource writes. Each write is ONE statement of data-modifying CTEs: resource row,
 * replaced version, search index rows and the outbox event commit or fail together even outside an
 * explicit transaction, and a plain create costs a single round trip. `resource` holds the current
 * version; an update or delete moves the version it replaces into `resource_history`.
 *
 * Parameters shared by all three statements:
 *   $1 tenant_id, $2 res_type, $3 id, $4 last_updated, $5 content (NULL on delete),
 *   $6 event_id, $7 event payload (jsonb), and $8.. the index arrays below.
 */

// Each table's index rows travel as parallel arrays, unnested next to the resource's rid.
const INDEX_TABLES = [
  { table: 'idx_string', cols: ['value', 'norm'], types: ['text', 'text'] },
  { table: 'idx_token', cols: ['system', 'code', 'text_norm'], types: ['text', 'text', 'text'] },
  { table: 'idx_date', cols: ['lo', 'hi'], types: ['timestamptz', 'timestamptz'] },
  {
    table: 'idx_reference',
    cols: ['target_type', 'target_id', 'url', 'canonical_version'],
    types: ['text', 'text', 'text', 'text'],
  },
  { table: 'idx_number', cols: ['value', 'lo', 'hi'], types: ['numeric', 'numeric', 'numeric'] },
  {
    table: 'idx_quantity',
    cols: ['system', 'code', 'unit', 'value', 'lo', 'hi'],
    types: ['text', 'text', 'text', 'numeric', 'numeric', 'numeric'],
  },
  { table: 'idx_uri', cols: ['value'], types: ['text'] },
] as const;

export type IndexTable = (typeof INDEX_TABLES)[number]['table'];
export const INDEX_TABLE_NAMES: readonly IndexTable[] = INDEX_TABLES.map((t) => t.table);

const FIRST_INDEX_PARAM = 8;

/** Number of bind parameters the index arrays take: param ids + grps + each value column, per table. */
export const INDEX_PARAM_COUNT = INDEX_TABLES.reduce((n, t) => n + 2 + t.cols.length, 0);

function indexInserts(ridSource: string): string[] {
  let p = FIRST_INDEX_PARAM;
  return INDEX_TABLES.map((t) => {
    const arrays = [`$${p++}::int[]`, `$${p++}::smallint[]`, ...t.types.map((ty) => `$${p++}::${ty}[]`)];
    const names = ['p', 'g', ...t.cols.map((_, i) => `c${i}`)];
    return `ins_${t.table} AS (
      INSERT INTO ${t.table} (tenant_id, rid, param_id, grp, ${t.cols.join(', ')})
      SELECT $1, w.rid, x.p, x.g, ${t.cols.map((_, i) => `x.c${i}`).join(', ')}
      FROM ${ridSource} w, unnest(${arrays.join(', ')}) AS x(${names.join(', ')}))`;
  });
}

function indexDeletes(ridSource: string): string[] {
  return INDEX_TABLES.map(
    (t) => `del_${t.table} AS (DELETE FROM ${t.table} d USING ${ridSource} w WHERE d.rid = w.rid)`,
  );
}

const OUTBOX = (ridSource: string) => `outbox_row AS (
      INSERT INTO outbox (tenant_id, event_id, topic, type, payload)
      SELECT $1, $6, 'clinical', 'fhir.resource.changed', $7::jsonb FROM ${ridSource})`;

/**
 * The version being replaced, read in the statement's snapshot, and its move into history once the
 * conditional UPDATE (`w`) has succeeded: a writer that lost the race moves nothing.
 */
const PREVIOUS = (expectedVersion: string, liveOnly: boolean) => `prev AS (
      SELECT rid, version_id, last_updated, method, content FROM resource
      WHERE tenant_id = $1 AND res_type = $2 AND id = $3 AND version_id = ${expectedVersion}${liveOnly ? ' AND NOT deleted' : ''})`;
const HISTORY = `hist AS (
      INSERT INTO resource_history (tenant_id, rid, res_type, id, version_id, last_updated, method, content)
      SELECT $1, p.rid, $2, $3, p.version_id, p.last_updated, p.method, p.content FROM prev p JOIN w ON w.rid = p.rid)`;

/** Inserts version 1 of a new resource. Extra: none. Fails with unique_violation if the id exists. */
export const CREATE_SQL = `WITH w AS (
      INSERT INTO resource (tenant_id, res_type, id, version_id, last_updated, method, content)
      VALUES ($1, $2, $3, 1, $4, 'POST', $5) RETURNING rid, version_id),
    ${indexInserts('w').join(',\n    ')},
    ${OUTBOX('w')}
  SELECT rid, version_id FROM w`;

const EXPECTED_VERSION_PARAM = FIRST_INDEX_PARAM + INDEX_PARAM_COUNT;
const METHOD_PARAM = EXPECTED_VERSION_PARAM + 1;

/**
 * Writes the next version of an existing (possibly deleted) resource, only if its current version is
 * still the expected one: no row back means another writer got there first.
 */
export const UPDATE_SQL = `WITH ${PREVIOUS(`$${EXPECTED_VERSION_PARAM}`, false)},
    w AS (
      UPDATE resource SET version_id = version_id + 1, last_updated = $4, content = $5, deleted = false,
        method = $${METHOD_PARAM}
      WHERE tenant_id = $1 AND res_type = $2 AND id = $3 AND version_id = $${EXPECTED_VERSION_PARAM}
      RETURNING rid, version_id),
    ${HISTORY},
    ${indexDeletes('w').join(',\n    ')},
    ${indexInserts('w').join(',\n    ')},
    ${OUTBOX('w')}
  SELECT rid, version_id FROM w`;

/**
 * Marks a live resource deleted (a new, empty version) and drops its index rows, only if its current
 * version is still $8. Uses no index arrays.
 */
export const DELETE_SQL = `WITH ${PREVIOUS('$8', true)},
    w AS (
      UPDATE resource SET version_id = version_id + 1, last_updated = $4, content = $5, deleted = true,
        method = 'DELETE'
      WHERE tenant_id = $1 AND res_type = $2 AND id = $3 AND NOT deleted AND version_id = $8
      RETURNING rid, version_id),
    ${HISTORY},
    ${indexDeletes('w').join(',\n    ')},
    ${OUTBOX('w')}
  SELECT rid, version_id FROM w`;

/**
 * Inserts version 1 of several new resources of one tenant in one statement (creates coalesced
 * under load). Parameters: $1 tenant_id, then per resource $2 res_type[], $3 id[], $4 last_updated[],
 * $5 content[], $6 event_id[], $7 payload[]; then per index table the owning resource's id[],
 * param_id[], grp[] and each value column (see createManyIndexParams).
 */
export const CREATE_MANY_SQL = (() => {
  let p = 8;
  const inserts = INDEX_TABLES.map((t) => {
    const arrays = [
      `$${p++}::text[]`,
      `$${p++}::int[]`,
      `$${p++}::smallint[]`,
      ...t.types.map((ty) => `$${p++}::${ty}[]`),
    ];
    const names = ['o', 'p', 'g', ...t.cols.map((_, i) => `c${i}`)];
    return `ins_${t.table} AS (
      INSERT INTO ${t.table} (tenant_id, rid, param_id, grp, ${t.cols.join(', ')})
      SELECT $1, w.rid, x.p, x.g, ${t.cols.map((_, i) => `x.c${i}`).join(', ')}
      FROM unnest(${arrays.join(', ')}) AS x(${names.join(', ')}) JOIN w ON w.id = x.o)`;
  });
  return `WITH src AS MATERIALIZED (
      SELECT * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::uuid[], $7::jsonb[])
        AS s(t, id, lu, c, e, pl)),
    w AS (
      INSERT INTO resource (tenant_id, res_type, id, version_id, last_updated, method, content)
      SELECT $1, s.t, s.id, 1, s.lu, 'POST', s.c FROM src s RETURNING rid, id),
    ${inserts.join(',\n    ')},
    outbox_row AS (
      INSERT INTO outbox (tenant_id, event_id, topic, type, payload)
      SELECT $1, s.e, 'clinical', 'fhir.resource.changed', s.pl FROM w JOIN src s ON s.id = w.id)
  SELECT rid, id FROM w`;
})();

export { INDEX_TABLES };
