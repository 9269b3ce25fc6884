import type { Queryable } from '../../platform/db/pool.js';
import { uuidv7 } from '../../platform/ids/uuid-v7.js';
import { carryNumbers, stringifyWithNumbers } from '../../platform/json/lossless-numbers.js';
import type { ResourceChangedPayload } from '../../platform/events/types.js';
import type { IndexRows } from '../search/index-rows.js';
import { indexParams, indexParamsFor } from './index-params.js';
import type { SearchParamRegistry } from './search-param-registry.js';
import { CREATE_MANY_SQL, CREATE_SQL, DELETE_SQL, UPDATE_SQL } from './write-statements.js';

export type FhirResource = Record<string, unknown> & { resourceType: string; id?: string };

/** One version of a resource as stored: `content` is the exact JSON served (null when deleted). */
export interface StoredVersion {
  rid: string;
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  content: string | null;
}

export interface Indexer {
  extract(resource: Record<string, unknown>): IndexRows;
}

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type VersionRow = {
  rid: string;
  version_id: number;
  last_updated: Date;
  deleted: boolean;
  content: string | null;
};

const UNIQUE_VIOLATION = '23505';

/** Thrown when the version a writer based its change on is no longer current. */
export class VersionConflict extends Error {
  constructor(readonly currentVersion: number | undefined) {
    super('version conflict');
  }
}

/** Thrown when a create chooses an id that already exists. */
export class IdTaken extends Error {
  constructor() {
    super('id taken');
  }
}

/**
 * Reads and writes resource versions. Every write sets meta.versionId / meta.lastUpdated, serializes
 * the resource once (that text is what reads serve), indexes it, and appends its outbox event — all in
 * one statement. Methods take a Queryable so they run alone or inside a Bundle transaction.
 */
export class ResourceStore {
  constructor(
    private readonly registry: SearchParamRegistry,
    private readonly indexer: Indexer,
  ) {}

  async read(q: Queryable, tenantId: number, type: string, id: string): Promise<StoredVersion | undefined> {
    const res = await q.prepared<VersionRow>(
      'fhir_read',
      `SELECT rid, version_id, last_updated, deleted, content FROM resource
       WHERE tenant_id = $1 AND res_type = $2 AND id = $3`,
      [tenantId, type, id],
    );
    const row = res.rows[0];
    return row && toStored(type, id, row);
  }

  async vread(
    q: Queryable,
    tenantId: number,
    type: string,
    id: string,
    versionId: number,
  ): Promise<StoredVersion | undefined> {
    const res = await q.prepared<VersionRow>(
      'fhir_vread',
      // The current version is the resource row; older ones are in resource_history.
      `SELECT r.rid, r.version_id, r.last_updated, r.deleted, r.content FROM resource r
       WHERE r.tenant_id = $1 AND r.res_type = $2 AND r.id = $3 AND r.version_id = $4
       UNION ALL
       SELECT h.rid, h.version_id, h.last_updated, h.method = 'DELETE', h.content
       FROM resource r JOIN resource_history h ON h.rid = r.rid AND h.version_id = $4
       WHERE r.tenant_id = $1 AND r.res_type = $2 AND r.id = $3 AND h.tenant_id = $1`,
      [tenantId, type, id, versionId],
    );
    const row = res.rows[0];
    return row && toStored(type, id, row);
  }

  /** Creates version 1 with `id` (server-assigned when absent). Throws IdTaken if the id exists. */
  async create(
    q: Queryable,
    tenantId: number,
    resource: FhirResource,
    id: string = newId(),
  ): Promise<StoredVersion> {
    const lastUpdated = new Date().toISOString();
    const { content, parsed } = finalize(resource, id, 1, lastUpdated);
    try {
      const res = await q.prepared<{ rid: string; version_id: number }>('fhir_create', CREATE_SQL, [
        ...baseParams(tenantId, parsed.resourceType, id, lastUpdated, content, 1, 'create'),
        ...indexParams(this.indexer.extract(parsed), parsed.resourceType, this.registry),
      ]);
      const row = res.rows[0];
      if (!row) throw new Error('create returned no row');
      return {
        rid: String(row.rid),
        resourceType: parsed.resourceType,
        id,
        versionId: 1,
        lastUpdated,
        deleted: false,
        content,
      };
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new IdTaken();
      throw err;
    }
  }

  /**
   * Creates several new resources (server-assigned ids) of one tenant in one statement: all or none.
   * Used to coalesce concurrent creates; results are in the order of `resources`. `ids` are chosen
   * in advance (e.g. a booking names its Appointment), one per resource; server-assigned otherwise.
   */
  async createMany(
    q: Queryable,
    tenantId: number,
    resources: FhirResource[],
    ids?: readonly string[],
  ): Promise<StoredVersion[]> {
    const lastUpdated = new Date().toISOString();
    const items = resources.map((resource, i) => {
      const id = ids?.[i] ?? newId();
      const { content, parsed } = finalize(resource, id, 1, lastUpdated);
      return { id, resourceType: parsed.resourceType, content, rows: this.indexer.extract(parsed) };
    });
    const res = await q.prepared<{ rid: string; id: string }>('fhir_create_many', CREATE_MANY_SQL, [
      tenantId,
      items.map((i) => i.resourceType),
      items.map((i) => i.id),
      items.map(() => lastUpdated),
      items.map((i) => i.content),
      items.map(() => uuidv7()),
      items.map((i) =>
        JSON.stringify({
          resourceType: i.resourceType,
          id: i.id,
          versionId: '1',
          action: 'create',
        } satisfies ResourceChangedPayload),
      ),
      ...indexParamsFor(items, this.registry),
    ]);
    const rids = new Map(res.rows.map((r) => [r.id, String(r.rid)]));
    return items.map((i) => {
      const rid = rids.get(i.id);
      if (rid === undefined) throw new Error('create returned no row');
      return {
        rid,
        resourceType: i.resourceType,
        id: i.id,
        versionId: 1,
        lastUpdated,
        deleted: false,
        content: i.content,
      };
    });
  }

  /**
   * Writes the version after `expectedVersion` of an existing resource (live or deleted). Throws
   * VersionConflict when another writer changed it in between.
   */
  async update(
    q: Queryable,
    tenantId: number,
    resource: FhirResource,
    id: string,
    expectedVersion: number,
    method: WriteMethod = 'PUT',
  ): Promise<StoredVersion> {
    const versionId = expectedVersion + 1;
    const lastUpdated = new Date().toISOString();
    const { content, parsed } = finalize(resource, id, versionId, lastUpdated);
    const res = await q.prepared<{ rid: string; version_id: number }>('fhir_update', UPDATE_SQL, [
      ...baseParams(tenantId, parsed.resourceType, id, lastUpdated, content, versionId, 'update'),
      ...indexParams(this.indexer.extract(parsed), parsed.resourceType, this.registry),
      expectedVersion,
      method,
    ]);
    const row = res.rows[0];
    if (!row) throw new VersionConflict(undefined);
    return {
      rid: String(row.rid),
      resourceType: parsed.resourceType,
      id,
      versionId,
      lastUpdated,
      deleted: false,
      content,
    };
  }

  /**
   * Deletes a live resource whose current version is `expectedVersion`, writing an empty version.
   * Throws VersionConflict when another writer changed it in between.
   */
  async delete(
    q: Queryable,
    tenantId: number,
    type: string,
    id: string,
    expectedVersion: number,
  ): Promise<StoredVersion> {
    const lastUpdated = new Date().toISOString();
    const versionId = expectedVersion + 1;
    const res = await q.prepared<{ rid: string; version_id: number }>('fhir_delete', DELETE_SQL, [
      ...baseParams(tenantId, type, id, lastUpdated, null, versionId, 'delete'),
      expectedVersion,
    ]);
    const row = res.rows[0];
    if (!row) throw new VersionConflict(undefined);
    return {
      rid: String(row.rid),
      resourceType: type,
      id,
      versionId,
      lastUpdated,
      deleted: true,
      content: null,
    };
  }
}

export function newId(): string {
  return uuidv7();
}

function baseParams(
  tenantId: number,
  type: string,
  id: string,
  lastUpdated: string,
  content: string | null,
  versionId: number,
  action: ResourceChangedPayload['action'],
): unknown[] {
  const payload: ResourceChangedPayload = { resourceType: type, id, versionId: String(versionId), action };
  return [tenantId, type, id, lastUpdated, content, uuidv7(), JSON.stringify(payload)];
}

/**
 * The stored form: resourceType, id and meta first (server-owned versionId/lastUpdated; the client's
 * tags, profiles, security labels and source are kept), then the rest in the client's order.
 */
function finalize(
  resource: FhirResource,
  id: string,
  versionId: number,
  lastUpdated: string,
): { content: string; parsed: FhirResource } {
  const { resourceType, id: _ignored, meta, ...rest } = resource;
  const clientMeta = meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
  const { versionId: _v, lastUpdated: _l, ...keptMeta } = clientMeta;
  const parsed: FhirResource = {
    resourceType,
    id,
    meta: { versionId: String(versionId), lastUpdated, ...keptMeta },
    ...rest,
  };
  carryNumbers(resource, parsed);
  return { content: stringifyWithNumbers(parsed), parsed };
}

function toStored(type: string, id: string, row: VersionRow): StoredVersion {
  return {
    rid: String(row.rid),
    resourceType: type,
    id,
    versionId: row.version_id,
    lastUpdated: row.last_updated.toISOString(),
    deleted: row.deleted,
    content: row.content,
  };
}
