import type { IndexRows } from '../search/index-rows.js';
import type { SearchParamRegistry } from './search-param-registry.js';

type Column<K extends keyof IndexRows> = (row: IndexRows[K][number]) => unknown;

// The value columns of each index table, in the table and column order of write-statements.ts.
const COLUMNS: { [K in keyof IndexRows]: Column<K>[] } = {
  string: [(x) => x.value, (x) => x.norm],
  token: [(x) => x.system, (x) => x.code, (x) => x.textNorm],
  date: [(x) => x.lo, (x) => x.hi],
  reference: [(x) => x.targetType, (x) => x.targetId, (x) => x.url, (x) => x.canonicalVersion],
  number: [(x) => x.value, (x) => x.lo, (x) => x.hi],
  quantity: [(x) => x.system, (x) => x.code, (x) => x.unit, (x) => x.value, (x) => x.lo, (x) => x.hi],
  uri: [(x) => x.value],
};

const TABLES = Object.keys(COLUMNS) as (keyof IndexRows)[];

/** One resource's index rows as the parallel arrays the single-resource write statements unnest. */
export function indexParams(rows: IndexRows, resourceType: string, registry: SearchParamRegistry): unknown[] {
  return indexParamsFor([{ id: undefined, resourceType, rows }], registry);
}

/**
 * Several resources' index rows as parallel arrays; with `id` set, each table's arrays start with the
 * owning resource's id (the multi-resource create joins rows to their resource by it).
 */
export function indexParamsFor(
  items: { id: string | undefined; resourceType: string; rows: IndexRows }[],
  registry: SearchParamRegistry,
): unknown[] {
  const out: unknown[] = [];
  for (const table of TABLES) {
    const columns = COLUMNS[table] as Column<typeof table>[];
    const owners: (string | undefined)[] = [];
    const params: number[] = [];
    const grps: number[] = [];
    const values: unknown[][] = columns.map(() => []);
    for (const item of items) {
      for (const row of item.rows[table]) {
        owners.push(item.id);
        params.push(registry.id(item.resourceType, row.param));
        grps.push(row.grp);
        columns.forEach((col, i) => (values[i] as unknown[]).push(col(row)));
      }
    }
    if (items[0]?.id !== undefined) out.push(owners);
    out.push(params, grps, ...values);
  }
  return out;
}
