import type { Database } from '../../platform/db/pool.js';
import type { SearchParamRegistry } from '../../fhir/storage/search-param-registry.js';

/** Patients a user may see, and why: a care relationship (or own record), or break-glass. */
export interface Reach {
  patients: ReadonlySet<string>;
  /** patient id → the reason typed when breaking the glass for it */
  breakGlass: ReadonlyMap<string, string>;
}

const CACHE_MS = 10_000;
const MAX_PATIENTS = 50_000;
// Where a clinician appears next to a patient: appointments, encounters and care teams.
const CARE_LINKS: [string, string[], string[]][] = [
  ['Appointment', ['practitioner', 'actor'], ['patient']],
  ['Encounter', ['practitioner', 'participant'], ['patient', 'subject']],
  ['CareTeam', ['participant'], ['patient', 'subject']],
  ['EpisodeOfCare', ['care-manager'], ['patient']],
];

/**
 * Computes (and briefly caches) whose records a user reaches: a patient their own; a caregiver their
 * dependents (RelatedPerson.patient); a clinician or nurse the patients they have a care relationship
 * with in the tenant, plus those they broke the glass for.
 */
export class ReachResolver {
  private readonly cache = new Map<string, { at: number; reach: Reach }>();
  private readonly clinicianIds: number[];
  private readonly patientIds: number[];
  private readonly relatedPatientId: number;

  constructor(
    private readonly db: Database,
    registry: SearchParamRegistry,
  ) {
    const ids = (type: string, codes: string[]) =>
      codes.filter((c) => registry.has(type, c)).map((c) => registry.id(type, c));
    this.clinicianIds = CARE_LINKS.flatMap(([t, who]) => ids(t, who));
    this.patientIds = CARE_LINKS.flatMap(([t, , whom]) => ids(t, whom));
    this.relatedPatientId = registry.id('RelatedPerson', 'patient');
  }

  forget(tenantId: number, accountId: string): void {
    this.cache.delete(`${tenantId}/${accountId}`);
  }

  async resolve(
    tenantId: number,
    accountId: string,
    kind: 'own' | 'dependents' | 'care',
    fhirUser: string | undefined,
  ): Promise<Reach> {
    const key = `${tenantId}/${accountId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.reach;
    const reach = await this.compute(tenantId, accountId, kind, fhirUser);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { at: Date.now(), reach });
    return reach;
  }

  private async compute(
    tenantId: number,
    accountId: string,
    kind: 'own' | 'dependents' | 'care',
    fhirUser: string | undefined,
  ): Promise<Reach> {
    const [type, id] = (fhirUser ?? '/').split('/') as [string, string];
    const patients = new Set<string>();
    if (kind === 'own' && type === 'Patient' && id) patients.add(id);
    if (kind === 'dependents' && type === 'RelatedPerson' && id) {
      const res = await this.db.query<{ target_id: string }>(
        tenantId,
        `SELECT i.target_id FROM resource r JOIN idx_reference i ON i.tenant_id = r.tenant_id AND i.rid = r.rid
         WHERE r.tenant_id = $1 AND r.res_type = 'RelatedPerson' AND r.id = $2 AND NOT r.deleted
           AND i.param_id = $3 AND i.target_type = 'Patient'`,
        [tenantId, id, this.relatedPatientId],
      );
      for (const r of res.rows) patients.add(r.target_id);
    }
    const breakGlass = new Map<string, string>();
    if (kind === 'care') {
      if (type === 'Practitioner' && id) {
        const res = await this.db.query<{ target_id: string }>(
          tenantId,
          `SELECT DISTINCT p.target_id FROM idx_reference a
           JOIN idx_reference p ON p.tenant_id = a.tenant_id AND p.rid = a.rid
             AND p.param_id = ANY($3::int[]) AND p.target_type = 'Patient'
           WHERE a.tenant_id = $1 AND a.param_id = ANY($2::int[]) AND a.target_type = 'Practitioner' AND a.target_id = $4
           LIMIT ${MAX_PATIENTS}`,
          [tenantId, this.clinicianIds, this.patientIds, id],
        );
        for (const r of res.rows) patients.add(r.target_id);
      }
      const glass = await this.db.query<{ patient: string; reason: string }>(
        tenantId,
        `SELECT DISTINCT ON (patient) patient, reason FROM auth_break_glass
         WHERE tenant_id = $1 AND account_id = $2 AND expires_at > now() ORDER BY patient, started_at DESC`,
        [tenantId, accountId],
      );
      for (const g of glass.rows) if (!patients.has(g.patient)) breakGlass.set(g.patient, g.reason);
    }
    return { patients, breakGlass };
  }
}
