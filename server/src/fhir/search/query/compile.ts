import { TABLE, instantPred, leafPred, tokenTextPred } from './predicates.js';
import { type SqlParams, TENANT, and, or } from './sql.js';
import type { CompositeValue, Condition, LeafValue, ParamRef } from './types.js';

/** Column expressions of the resource row a condition applies to. */
export interface RowRef {
  rid: string;
  id: string;
  resType: string;
  lastUpdated: string;
}

export function rowRef(alias: string): RowRef {
  return {
    rid: `${alias}.rid`,
    id: `${alias}.id`,
    resType: `${alias}.res_type`,
    lastUpdated: `${alias}.last_updated`,
  };
}

const PARAM_TABLE: Record<string, string> = {
  string: 'idx_string',
  token: 'idx_token',
  date: 'idx_date',
  number: 'idx_number',
  quantity: 'idx_quantity',
  reference: 'idx_reference',
  uri: 'idx_uri',
};

/** `tenant_id`, `param_id` and `rid` of index alias `a`: the prefix of every index lookup. */
function indexKey(a: string, ids: number[], row: RowRef, p: SqlParams): string {
  return `${a}.tenant_id = ${TENANT} AND ${p.inIds(`${a}.param_id`, ids)} AND ${a}.rid = ${row.rid}`;
}

/** Composite: one EXISTS joining every component's row on the same rid and non-zero grp. */
function compositeSql(ref: ParamRef, v: CompositeValue, row: RowRef, p: SqlParams): string {
  const aliases = v.parts.map(() => p.alias('c'));
  const first = aliases[0] ?? 'c';
  const from: string[] = [];
  const where: string[] = [];
  v.parts.forEach((part, i) => {
    const a = aliases[i] ?? first;
    const ids = ref.componentIds?.[i] ?? [];
    if (i === 0) {
      from.push(`${TABLE[part.kind]} ${a}`);
      where.push(indexKey(a, ids, row, p), `${a}.grp <> 0`);
    } else {
      from.push(
        `JOIN ${TABLE[part.kind]} ${a} ON ${a}.tenant_id = ${TENANT} AND ${p.inIds(`${a}.param_id`, ids)} AND ${a}.rid = ${first}.rid AND ${a}.grp = ${first}.grp`,
      );
    }
    where.push(leafPred(a, part, undefined, p));
  });
  return `EXISTS (SELECT 1 FROM ${from.join(' ')} WHERE ${where.join(' AND ')})`;
}

function paramSql(cond: Extract<Condition, { kind: 'param' }>, row: RowRef, p: SqlParams): string {
  const { param, modifier, values } = cond;
  if (param.def.type === 'composite') {
    return or(values.map((v) => (v.kind === 'composite' ? compositeSql(param, v, row, p) : 'false')));
  }
  const table = PARAM_TABLE[param.def.type] ?? 'idx_string';
  const a = p.alias('i');
  const key = indexKey(a, param.ids, row, p);
  const leaves = values.filter((v): v is LeafValue => v.kind !== 'composite');
  if (param.def.type === 'token' && modifier === 'text') {
    return `EXISTS (SELECT 1 FROM idx_token ${a} WHERE ${key} AND ${or(leaves.map((v) => (v.kind === 'string' ? tokenTextPred(a, v.text, p) : 'false')))})`;
  }
  const match = or(leaves.map((v) => leafPred(a, v, modifier, p)));
  // :not also matches resources with no value at all, so it negates the whole EXISTS.
  if (modifier === 'not') return `NOT EXISTS (SELECT 1 FROM ${table} ${a} WHERE ${key} AND ${match})`;
  return `EXISTS (SELECT 1 FROM ${table} ${a} WHERE ${key} AND ${match})`;
}

function missingSql(cond: Extract<Condition, { kind: 'missing' }>, row: RowRef, p: SqlParams): string {
  const { param } = cond;
  let exists: string;
  if (param.def.type === 'composite') {
    // Every repetition writes its first component; its table is not recorded here, so look in all.
    const ids = param.componentIds?.[0] ?? [];
    exists = or(
      Object.values(PARAM_TABLE).map((t) => {
        const a = p.alias('m');
        return `EXISTS (SELECT 1 FROM ${t} ${a} WHERE ${indexKey(a, ids, row, p)})`;
      }),
    );
  } else {
    const a = p.alias('m');
    exists = `EXISTS (SELECT 1 FROM ${PARAM_TABLE[param.def.type] ?? 'idx_string'} ${a} WHERE ${indexKey(a, param.ids, row, p)})`;
  }
  return cond.missing ? `NOT ${exists}` : exists;
}

/** The SQL predicate for `cond` over the resource row `row`. */
export function conditionSql(cond: Condition, row: RowRef, p: SqlParams): string {
  switch (cond.kind) {
    case 'param':
      return paramSql(cond, row, p);
    case 'missing':
      return missingSql(cond, row, p);
    case 'id': {
      const inList = p.inTexts(row.id, cond.ids);
      return cond.not ? `NOT (${inList})` : inList;
    }
    case 'lastUpdated':
      return or(cond.values.map((v) => instantPred(row.lastUpdated, v, p)));
    case 'chain': {
      const c = p.alias('ch');
      const t = p.alias('t');
      const target = rowRef(t);
      const perType = cond.targets.map(
        (x) => `(${c}.target_type = ${p.add(x.type, 'text')} AND ${conditionSql(x.cond, target, p)})`,
      );
      return `EXISTS (SELECT 1 FROM idx_reference ${c} JOIN resource ${t} ON ${t}.tenant_id = ${TENANT} AND ${t}.res_type = ${c}.target_type AND ${t}.id = ${c}.target_id AND NOT ${t}.deleted WHERE ${indexKey(c, cond.ref.ids, row, p)} AND ${or(perType)})`;
    }
    case 'compartment': {
      const parts: string[] = [];
      if (cond.refIds.length > 0) {
        const a = p.alias('cp');
        parts.push(
          `EXISTS (SELECT 1 FROM idx_reference ${a} WHERE ${indexKey(a, cond.refIds, row, p)} AND ${a}.target_type = 'Patient' AND ${a}.target_id = ANY(${p.add(cond.patients, 'text[]')}))`,
        );
      }
      if (cond.patientType)
        parts.push(`(${row.resType} = 'Patient' AND ${row.id} = ANY(${p.add(cond.patients, 'text[]')}))`);
      return or(parts);
    }
    case 'has': {
      const h = p.alias('h');
      const s = p.alias('s');
      return `EXISTS (SELECT 1 FROM idx_reference ${h} JOIN resource ${s} ON ${s}.rid = ${h}.rid AND ${s}.tenant_id = ${TENANT} AND NOT ${s}.deleted WHERE ${h}.tenant_id = ${TENANT} AND ${p.inIds(`${h}.param_id`, cond.refIds)} AND ${h}.target_type = ${row.resType} AND ${h}.target_id = ${row.id} AND ${conditionSql(cond.cond, rowRef(s), p)})`;
    }
  }
}

export function conditionsSql(conds: Condition[], row: RowRef, p: SqlParams): string {
  return and(conds.map((c) => conditionSql(c, row, p)));
}
