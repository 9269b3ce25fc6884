import type { IndexRows } from '../search/index-rows.js';
import type { SearchParamRegistry } from './search-param-registry.js';

/**
 * Flattens a resource's index rows into the parallel arrays the write statements unnest, in the
 * table and column order of write-statements.ts.
 */
export function indexParams(rows: IndexRows, resourceType: string, registry: SearchParamRegistry): unknown[] {
  const ids = (list: { param: string }[]) => list.map((r) => registry.id(resourceType, r.param));
  const grps = (list: { grp: number }[]) => list.map((r) => r.grp);
  const { string: s, token: t, date: d, reference: r, number: n, quantity: q, uri: u } = rows;
  return [
    ids(s),
    grps(s),
    s.map((x) => x.value),
    s.map((x) => x.norm),
    ids(t),
    grps(t),
    t.map((x) => x.system),
    t.map((x) => x.code),
    t.map((x) => x.textNorm),
    ids(d),
    grps(d),
    d.map((x) => x.lo),
    d.map((x) => x.hi),
    ids(r),
    grps(r),
    r.map((x) => x.targetType),
    r.map((x) => x.targetId),
    r.map((x) => x.url),
    r.map((x) => x.canonicalVersion),
    ids(n),
    grps(n),
    n.map((x) => x.value),
    n.map((x) => x.lo),
    n.map((x) => x.hi),
    ids(q),
    grps(q),
    q.map((x) => x.system),
    q.map((x) => x.code),
    q.map((x) => x.unit),
    q.map((x) => x.value),
    q.map((x) => x.lo),
    q.map((x) => x.hi),
    ids(u),
    grps(u),
    u.map((x) => x.value),
  ];
}
