import type { SearchParamRegistry } from '../../fhir/storage/search-param-registry.js';
import { parseStoredJson } from '../../platform/json/lossless-numbers.js';
import type { Database, Queryable } from '../../platform/db/pool.js';
import type { ConsentResource } from './consent-rules.js';

const CACHE_MS = 10_000;

/**
 * Each patient's active Consent resources, read from the FHIR store and cached briefly. A Consent
 * written through this node clears its patient at once; other nodes see it within CACHE_MS.
 */
export class ConsentDirectory {
  private readonly cache = new Map<string, { at: number; consents: ConsentResource[] }>();
  /** Per tenant, the patients with any Consent: most have none, and need no lookup at all. */
  private readonly holders = new Map<
    number,
    { at: number; patients: Set<string>; loading?: Promise<Set<string>> }
  >();
  private readonly patientParam: number;

  constructor(
    private readonly db: Database,
    registry: SearchParamRegistry,
  ) {
    this.patientParam = registry.id('Consent', 'patient');
  }

  forget(tenantId: number, patient: string): void {
    this.cache.delete(`${tenantId}/${patient}`);
    this.holders.get(tenantId)?.patients.add(patient);
  }

  /** The consents of each patient in `patients` (ids), read through `q` when the caller holds a connection. */
  async of(
    tenantId: number,
    patients: readonly string[],
    q?: Queryable,
  ): Promise<Map<string, ConsentResource[]>> {
    const out = new Map<string, ConsentResource[]>();
    const missing: string[] = [];
    const now = Date.now();
    const holders = await this.holdersOf(tenantId, q);
    for (const p of patients) {
      if (!holders.has(p)) {
        out.set(p, []);
        continue;
      }
      const hit = this.cache.get(`${tenantId}/${p}`);
      if (hit && now - hit.at < CACHE_MS) out.set(p, hit.consents);
      else missing.push(p);
    }
    if (missing.length === 0) return out;
    const sql = `SELECT i.target_id AS patient, r.content FROM idx_reference i
       JOIN resource r ON r.tenant_id = i.tenant_id AND r.rid = i.rid AND NOT r.deleted
       WHERE i.tenant_id = $1 AND i.param_id = $2 AND i.target_type = 'Patient' AND i.target_id = ANY($3::text[])`;
    const params = [tenantId, this.patientParam, missing];
    type Row = { patient: string; content: string };
    const res = q ? await q.query<Row>(sql, params) : await this.db.query<Row>(tenantId, sql, params);
    for (const p of missing) out.set(p, []);
    for (const row of res.rows) {
      const consent = parseStoredJson(row.content) as ConsentResource;
      if (consent.status === 'active') out.get(row.patient)?.push(consent);
    }
    if (this.cache.size > 50_000) this.cache.clear();
    for (const p of missing) this.cache.set(`${tenantId}/${p}`, { at: now, consents: out.get(p) ?? [] });
    return out;
  }

  private holdersOf(tenantId: number, q: Queryable | undefined): Promise<Set<string>> {
    const hit = this.holders.get(tenantId);
    if (hit && Date.now() - hit.at < CACHE_MS) return Promise.resolve(hit.patients);
    if (hit?.loading) return hit.loading;
    const sql = `SELECT DISTINCT target_id FROM idx_reference
                 WHERE tenant_id = $1 AND param_id = $2 AND target_type = 'Patient'`;
    const params = [tenantId, this.patientParam];
    type Row = { target_id: string };
    const loading = (q ? q.query<Row>(sql, params) : this.db.query<Row>(tenantId, sql, params)).then(
      (res) => {
        const patients = new Set(res.rows.map((r) => r.target_id));
        this.holders.set(tenantId, { at: Date.now(), patients });
        return patients;
      },
    );
    this.holders.set(tenantId, { at: hit?.at ?? 0, patients: hit?.patients ?? new Set(), loading });
    return loading.catch((err: unknown) => {
      this.holders.delete(tenantId);
      throw err;
    });
  }
}
