import { leafPred } from './predicates.js';
import { type SqlParams, TENANT, and, or } from './sql.js';
import type { Condition, LeafValue } from './types.js';

/**
 * The condition a fixed-order search plan starts from: one that is selective by its kind, so that
 * scanning its index first and probing every other condition per row is right whatever the values
 * are. Such a plan can be prepared once and reused (docs/decisions/0010-fixed-order-search-plans.md).
 */
export interface Driver {
  /** Index in `ParsedSearch.conditions`. */
  index: number;
  /** `FROM …` of the driving scan, aliased `d`; `d.rid` is the candidate resource. */
  from: string;
  /** What the driving rows must satisfy. */
  where: string;
  /** True when `d` is the resource row itself (an `_id` driver), so no resource lookup is needed. */
  isResource: boolean;
}

/**
 * Rank of a condition as a driver, lower first; undefined when it may match a large share of the
 * data (a token such as `status` or `gender`, a date range) or cannot use an index (`:contains`,
 * `:not`, `:missing`, chains).
 */
function driverRank(c: Condition): number | undefined {
  if (c.kind === 'id') return c.not ? undefined : 0;
  // A patient's compartment is small: its reference rows, or the Patient rows, drive well; both at once cannot.
  if (c.kind === 'compartment') return c.patientType === (c.refIds.length === 0) ? 1 : undefined;
  if (c.kind !== 'param') return undefined;
  const leaves = c.values.filter((v): v is LeafValue => v.kind !== 'composite');
  if (leaves.length === 0 || leaves.length !== c.values.length) return undefined;
  switch (c.param.def.type) {
    case 'reference':
      return 1;
    case 'token':
      // Identifiers are (nearly) unique; other tokens are often low-cardinality codes.
      return c.param.code === 'identifier' &&
        c.modifier === undefined &&
        leaves.every((v) => v.kind === 'token' && v.code !== undefined)
        ? 2
        : undefined;
    case 'string':
      // Prefix ranges on the normalized value use idx_string_lookup; :exact and :contains cannot.
      return c.modifier === undefined && leaves.every((v) => v.kind === 'string' && v.text !== '')
        ? 3
        : undefined;
    default:
      return undefined;
  }
}

const TABLE: Record<string, string> = {
  reference: 'idx_reference',
  token: 'idx_token',
  string: 'idx_string',
};

/** The best driver among `conds`, or undefined when none is safe to start from. */
export function pickDriver(
  conds: Condition[],
  typeFilter: (col: string) => string,
  p: SqlParams,
): Driver | undefined {
  let best: { index: number; rank: number } | undefined;
  conds.forEach((c, index) => {
    const rank = driverRank(c);
    if (rank !== undefined && (best === undefined || rank < best.rank)) best = { index, rank };
  });
  if (best === undefined) return undefined;
  const c = conds[best.index];
  if (c?.kind === 'id') {
    return {
      index: best.index,
      from: 'resource d',
      where: and([
        `d.tenant_id = ${TENANT}`,
        typeFilter('d.res_type'),
        'NOT d.deleted',
        p.inTexts('d.id', c.ids),
      ]),
      isResource: true,
    };
  }
  if (c?.kind === 'compartment') {
    const patients = p.add(c.patients, 'text[]');
    if (c.patientType)
      return {
        index: best.index,
        from: 'resource d',
        where: and([
          `d.tenant_id = ${TENANT}`,
          `d.res_type = 'Patient'`,
          'NOT d.deleted',
          `d.id = ANY(${patients})`,
        ]),
        isResource: true,
      };
    return {
      index: best.index,
      from: 'idx_reference d',
      where: and([
        `d.tenant_id = ${TENANT}`,
        p.inIds('d.param_id', c.refIds),
        `d.target_type = 'Patient'`,
        `d.target_id = ANY(${patients})`,
      ]),
      isResource: false,
    };
  }
  if (c?.kind !== 'param') return undefined;
  const leaves = c.values.filter((v): v is LeafValue => v.kind !== 'composite');
  // Index rows exist only for live resources (a delete removes them with the resource's version),
  // and a param id belongs to one resource type: the driving rows need no resource lookup.
  return {
    index: best.index,
    from: `${TABLE[c.param.def.type] ?? 'idx_string'} d`,
    where: and([
      `d.tenant_id = ${TENANT}`,
      p.inIds('d.param_id', c.param.ids),
      or(leaves.map((v) => leafPred('d', v, c.modifier, p))),
    ]),
    isResource: false,
  };
}
