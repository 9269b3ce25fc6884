import type { SearchParamRegistry } from '../../fhir/storage/search-param-registry.js';
import { parseStoredJson } from '../../platform/json/lossless-numbers.js';
import type { Database } from '../../platform/db/pool.js';
import type { ConsentResource } from './consent-rules.js';

const CACHE_MS = 10_000;

/**
 * Each patient's active Consent resources, read from the FHIR store and cached briefly. A Consent
 * written through this node clears its patient at once; other nodes see it within CACHE_MS.
 */
export class ConsentDirectory {
  private readonly cache = new Map<string, { at: number; consents: ConsentResource[] }>();
  private readonly patientParam: number;

  constructor(
    private readonly db: Database,
    registry: SearchParamRegistry,
  ) {
    this.patientParam = registry.id('Consent', 'patient');
  }

  forget(tenantId: number, patient: string): void {
    this.cache.delete(`${tenantId}/${patient}`);
  }

  /** The consents of each patient in `patients` (ids). */
  async of(tenantId: number, patients: readonly string[]): Promise<Map<string, ConsentResource[]>> {
    const out = new Map<string, ConsentResource[]>();
    const missing: string[] = [];
    const now = Date.now();
    for (const p of patients) {
      const hit = this.cache.get(`${tenantId}/${p}`);
      if (hit && now - hit.at < CACHE_MS) out.set(p, hit.consents);
      else missing.push(p);
    }
    if (missing.length === 0) return out;
    const res = await this.db.query<{ patient: string; content: string }>(
      tenantId,
      `SELECT i.target_id AS patient, r.content FROM idx_reference i
       JOIN resource r ON r.tenant_id = i.tenant_id AND r.rid = i.rid AND NOT r.deleted
       WHERE i.tenant_id = $1 AND i.param_id = $2 AND i.target_type = 'Patient' AND i.target_id = ANY($3::text[])`,
      [tenantId, this.patientParam, missing],
    );
    for (const p of missing) out.set(p, []);
    for (const row of res.rows) {
      const consent = parseStoredJson(row.content) as ConsentResource;
      if (consent.status === 'active') out.get(row.patient)?.push(consent);
    }
    if (this.cache.size > 50_000) this.cache.clear();
    for (const p of missing) this.cache.set(`${tenantId}/${p}`, { at: now, consents: out.get(p) ?? [] });
    return out;
  }
}
