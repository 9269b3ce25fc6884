import type { Queryable } from '../../platform/db/pool.js';

export interface HistoryEntry {
  rid: string;
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  content: string | null;
}

/** Position after which the next (older) page starts: versions are listed newest first. */
export interface HistoryCursor {
  lastUpdated: string;
  rid: string;
  versionId: number;
}

export interface HistoryQuery {
  resourceType?: string;
  id?: string;
  /** Only versions written at or after this instant. */
  since?: string;
  /** Only versions written at or before this instant (the state "as at"). */
  at?: string;
  after?: HistoryCursor;
  /** Page size; one more row is fetched to know whether a next page exists. */
  count: number;
}

type Row = {
  rid: string;
  res_type: string;
  id: string;
  version_id: number;
  last_updated: Date;
  method: HistoryEntry['method'];
  content: string | null;
};

/**
 * Every version: the past ones in resource_history and the current one in resource. PostgreSQL
 * pushes the filters into both branches and merges their index-ordered scans.
 */
const VERSIONS = `(
  SELECT tenant_id, rid, res_type, id, version_id, last_updated, method, content FROM resource_history
  UNION ALL
  SELECT tenant_id, rid, res_type, id, version_id, last_updated, method, content FROM resource) h`;

function filters(tenantId: number, query: HistoryQuery): { where: string[]; params: unknown[] } {
  const where = ['h.tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.resourceType && query.id) {
    // instance history goes through the primary key (rid, version_id)
    params.push(query.resourceType, query.id);
    where.push(
      `h.rid = (SELECT rid FROM resource WHERE tenant_id = $1 AND res_type = $${params.length - 1} AND id = $${params.length})`,
    );
  } else if (query.resourceType) add('h.res_type = ?', query.resourceType);
  if (query.since) add('h.last_updated >= ?', query.since);
  if (query.at) add('h.last_updated <= ?', query.at);
  return { where, params };
}

/**
 * Instance, type and system history, newest first, paged by keyset on (last_updated, rid, version) so
 * that writes during paging only add entries in front of the first page.
 */
export async function readHistory(
  q: Queryable,
  tenantId: number,
  query: HistoryQuery,
): Promise<{ entries: HistoryEntry[]; more: boolean }> {
  const { where, params } = filters(tenantId, query);
  if (query.after) {
    params.push(query.after.lastUpdated, query.after.rid, query.after.versionId);
    const n = params.length;
    where.push(
      `(h.last_updated, h.rid, h.version_id) < ($${n - 2}::timestamptz, $${n - 1}::bigint, $${n}::int)`,
    );
  }
  params.push(query.count + 1);
  const res = await q.query<Row>(
    `SELECT h.rid, h.res_type, h.id, h.version_id, h.last_updated, h.method, h.content
     FROM ${VERSIONS} WHERE ${where.join(' AND ')}
     ORDER BY h.last_updated DESC, h.rid DESC, h.version_id DESC LIMIT $${params.length}`,
    params,
  );
  const rows = res.rows.slice(0, query.count);
  return {
    more: res.rows.length > query.count,
    entries: rows.map((r) => ({
      rid: String(r.rid),
      resourceType: r.res_type,
      id: r.id,
      versionId: r.version_id,
      lastUpdated: r.last_updated.toISOString(),
      method: r.method,
      content: r.content,
    })),
  };
}

/** Counts the versions a history query covers (Bundle.total). */
export async function countHistory(q: Queryable, tenantId: number, query: HistoryQuery): Promise<number> {
  const { where, params } = filters(tenantId, query);
  const res = await q.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${VERSIONS} WHERE ${where.join(' AND ')}`,
    params,
  );
  return Number(res.rows[0]?.n ?? 0);
}
