import type { Database } from '../../platform/db/pool.js';
import type { SearchParamRegistry } from '../../fhir/storage/search-param-registry.js';

const CACHE_MS = 60_000;

/**
 * The organizations a practitioner works for (`Organization/<id>` of their PractitionerRoles that
 * are not inactive and whose period, if any, covers now), for consents that withhold data from an
 * organization. Cached briefly per tenant and practitioner.
 */
export class CallerOrganizations {
  private readonly cache = new Map<string, { at: number; organizations: readonly string[] }>();
  private readonly practitionerParam: number;
  private readonly organizationParam: number;
  private readonly activeParam: number;
  private readonly periodParam: number;

  constructor(
    private readonly db: Database,
    registry: SearchParamRegistry,
  ) {
    this.practitionerParam = registry.id('PractitionerRole', 'practitioner');
    this.organizationParam = registry.id('PractitionerRole', 'organization');
    this.activeParam = registry.id('PractitionerRole', 'active');
    this.periodParam = registry.id('PractitionerRole', 'date');
  }

  async of(tenantId: number, fhirUser: string | undefined): Promise<readonly string[]> {
    if (!fhirUser?.startsWith('Practitioner/')) return [];
    const key = `${tenantId}/${fhirUser}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.organizations;
    const res = await this.db.query<{ org: string }>(
      tenantId,
      `SELECT DISTINCT 'Organization/' || o.target_id AS org
       FROM idx_reference p
       JOIN idx_reference o ON o.tenant_id = p.tenant_id AND o.rid = p.rid AND o.param_id = $4
       JOIN resource r ON r.tenant_id = p.tenant_id AND r.rid = p.rid AND NOT r.deleted
       WHERE p.tenant_id = $1 AND p.param_id = $3 AND p.target_type = 'Practitioner' AND p.target_id = $2
         AND o.target_type = 'Organization'
         AND NOT EXISTS (SELECT 1 FROM idx_token t
                         WHERE t.tenant_id = $1 AND t.rid = p.rid AND t.param_id = $5 AND t.code = 'false')
         AND NOT EXISTS (SELECT 1 FROM idx_date d
                         WHERE d.tenant_id = $1 AND d.rid = p.rid AND d.param_id = $6
                           AND NOT (d.lo <= now() AND now() < d.hi))`,
      [
        tenantId,
        fhirUser.slice('Practitioner/'.length),
        this.practitionerParam,
        this.organizationParam,
        this.activeParam,
        this.periodParam,
      ],
    );
    const organizations = res.rows.map((r) => r.org);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { at: Date.now(), organizations });
    return organizations;
  }
}
