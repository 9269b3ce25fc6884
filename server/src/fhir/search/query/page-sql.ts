import { conditionSql, conditionsSql, rowRef } from './compile.js';
import type { Cursor } from './cursor.js';
import { pickDriver } from './driver.js';
import { SqlParams, TENANT, and, or } from './sql.js';
import type { Condition, ParsedSearch, SortKey } from './types.js';

export interface BuiltQuery {
  sql: string;
  values: unknown[];
  /**
   * The statement's plan does not depend on its values (a fixed join order), so it may be prepared
   * once and run with a generic plan.
   */
  fixedPlan?: boolean;
}

const R = rowRef('r');

function typeFilter(ps: ParsedSearch, p: SqlParams, allTypes: number, col = 'r.res_type'): string {
  if (ps.types.length === allTypes && ps.system) return 'true';
  return p.inTexts(col, ps.types);
}

/** `FROM … WHERE …` selecting the live resources that match every condition. */
function fromWhere(ps: ParsedSearch, p: SqlParams, allTypes: number, joins: string[]): string {
  const where = and([
    `r.tenant_id = ${TENANT}`,
    typeFilter(ps, p, allTypes),
    'NOT r.deleted',
    conditionsSql(ps.conditions, R, p),
  ]);
  return `FROM resource r${joins.map((j) => ` ${j}`).join('')} WHERE ${where}`;
}

function sortExpr(key: SortKey, i: number): string {
  return key.column ? `r.${key.column}` : `s${i}.v`;
}

/**
 * Keyset condition "comes after the cursor row". NULL sort values (no value for the parameter)
 * sort as if greater than every value, which is PostgreSQL's default for both ASC and DESC, so
 * reversing a page only flips ASC/DESC.
 */
function keysetSql(
  keys: SortKey[],
  cursor: Cursor,
  descs: boolean[],
  ridDesc: boolean,
  p: SqlParams,
): string {
  const rid = p.add(cursor.rid, 'bigint');
  const allColumns = keys.every((k) => k.column !== undefined);
  if (allColumns && descs.every((d) => d === ridDesc)) {
    // One row comparison matches the (tenant_id, res_type, last_updated, rid) index order.
    const vals = keys.map((k, i) => p.add(cursor.keys[i], k.valueType));
    const cols = keys.map((k, i) => sortExpr(k, i));
    return `(${[...cols, 'r.rid'].join(', ')}) ${ridDesc ? '<' : '>'} (${[...vals, rid].join(', ')})`;
  }
  const branches: string[] = [];
  const equal: string[] = [];
  keys.forEach((k, i) => {
    const e = sortExpr(k, i);
    const v = cursor.keys[i] ?? null;
    const val = v === null ? '' : p.add(v, k.valueType);
    let after: string;
    if (descs[i]) after = v === null ? `${e} IS NOT NULL` : `${e} < ${val}`;
    else after = v === null ? 'false' : `(${e} > ${val} OR ${e} IS NULL)`;
    branches.push(and([...equal, after]));
    equal.push(v === null ? `${e} IS NULL` : `${e} = ${val}`);
  });
  branches.push(and([...equal, `r.rid ${ridDesc ? '<' : '>'} ${rid}`]));
  return or(branches);
}

/** Conditions that read the resource row's own columns (`_id`, `_lastUpdated`, `_has` targets). */
function readsResourceRow(c: Condition): boolean {
  return (
    c.kind === 'id' ||
    c.kind === 'lastUpdated' ||
    c.kind === 'has' ||
    (c.kind === 'compartment' && c.patientType)
  );
}

/**
 * A page in rid order that starts from a selective condition's index (see driver.ts) and probes
 * every other condition per candidate row. Each probe is a `LATERAL (… LIMIT 1)` subquery, which
 * PostgreSQL can neither flatten nor reorder, so the plan is the same whatever the values are.
 * Undefined when no condition is safe to drive from.
 */
function drivenPageSql(
  ps: ParsedSearch,
  tenantId: number,
  cursor: Cursor | undefined,
  limit: number,
  allTypes: number,
): BuiltQuery | undefined {
  const p = new SqlParams(tenantId);
  const driver = pickDriver(ps.conditions, (col) => typeFilter(ps, p, allTypes, col), p);
  if (!driver) return undefined;
  const rest = ps.conditions.filter((_, i) => i !== driver.index);
  const joins: string[] = [];
  // An index-row driver gives only the rid; conditions on the resource's own columns (`_id`,
  // `_lastUpdated`, `_has`) get the row through one more probe, `x`.
  let row = rowRef('d');
  if (!driver.isResource) {
    row = rowRef('x');
    if (rest.some(readsResourceRow)) {
      joins.push(
        `CROSS JOIN LATERAL (SELECT x.rid, x.id, x.res_type, x.last_updated FROM resource x WHERE x.tenant_id = ${TENANT} AND x.rid = d.rid LIMIT 1) x`,
      );
    } else {
      row = { ...row, rid: 'd.rid' };
    }
  }
  rest.forEach((c, i) => {
    joins.push(`CROSS JOIN LATERAL (SELECT 1 WHERE ${conditionSql(c, row, p)} LIMIT 1) c${i}`);
  });
  const desc = cursor?.dir === 'prev';
  const where = [driver.where];
  if (cursor) where.push(`d.rid ${desc ? '<' : '>'} ${p.add(cursor.rid, 'bigint')}`);
  const dir = desc ? 'DESC' : 'ASC';
  // DISTINCT: a resource may have several driving rows (repeated values, or several OR-ed values).
  const inner =
    `SELECT DISTINCT d.rid FROM ${driver.from}${joins.map((j) => ` ${j}`).join('')} ` +
    `WHERE ${and(where)} ORDER BY d.rid ${dir} LIMIT ${p.add(limit, 'int')}`;
  return {
    sql:
      `SELECT r.rid, r.res_type, r.id, r.content FROM resource r ` +
      `WHERE r.tenant_id = ${TENANT} AND r.rid = ANY(ARRAY(${inner})) ORDER BY r.rid ${dir}`,
    values: p.values,
    fixedPlan: true,
  };
}

/** One statement for one page: `limit` rows (ask one more than the page to learn if another follows). */
export function pageSql(
  ps: ParsedSearch,
  tenantId: number,
  cursor: Cursor | undefined,
  limit: number,
  allTypes: number,
): BuiltQuery {
  if (ps.sort.length === 0) {
    const driven = drivenPageSql(ps, tenantId, cursor, limit, allTypes);
    if (driven) return driven;
  }
  const p = new SqlParams(tenantId);
  const reverse = cursor?.dir === 'prev';
  const descs = ps.sort.map((k) => k.desc !== reverse);
  const lastDesc = ps.sort.length > 0 ? (ps.sort[ps.sort.length - 1]?.desc ?? false) : false;
  const ridDesc = lastDesc !== reverse;
  const joins = ps.sort.flatMap((k, i) =>
    k.param
      ? [
          `LEFT JOIN LATERAL (SELECT ${k.param.column} AS v FROM ${k.param.table} x WHERE x.tenant_id = ${TENANT} AND ${p.inIds('x.param_id', k.param.ids)} AND x.rid = r.rid) s${i} ON true`,
        ]
      : [],
  );
  let sql = fromWhere(ps, p, allTypes, joins);
  if (cursor) sql += ` AND ${keysetSql(ps.sort, cursor, descs, ridDesc, p)}`;
  const order = [
    ...ps.sort.map((k, i) => `${sortExpr(k, i)} ${descs[i] ? 'DESC' : 'ASC'}`),
    `r.rid ${ridDesc ? 'DESC' : 'ASC'}`,
  ];
  const keyCols = ps.sort.map((k, i) => `, ${sortExpr(k, i)}::text AS k${i}`).join('');
  const limitParam = p.add(limit, 'int');
  if (joins.length === 0) {
    // Find the page's rids first (index-only where the indexes allow), then fetch content for those
    // rows alone, instead of reading every candidate's content before the conditions rule it out.
    const inner = `SELECT r.rid ${sql} ORDER BY ${order.join(', ')} LIMIT ${limitParam}`;
    return {
      sql:
        `SELECT r.rid, r.res_type, r.id, r.content${keyCols} FROM resource r ` +
        `WHERE r.tenant_id = ${TENANT} AND r.rid = ANY(ARRAY(${inner})) ORDER BY ${order.join(', ')}`,
      values: p.values,
    };
  }
  return {
    sql: `SELECT r.rid, r.res_type, r.id, r.content${keyCols} ${sql} ORDER BY ${order.join(', ')} LIMIT ${limitParam}`,
    values: p.values,
  };
}

/** The matches without paging, for COUNT or EXPLAIN. */
export function matchSql(ps: ParsedSearch, tenantId: number, allTypes: number, select: string): BuiltQuery {
  const p = new SqlParams(tenantId);
  return { sql: `SELECT ${select} ${fromWhere(ps, p, allTypes, [])}`, values: p.values };
}
