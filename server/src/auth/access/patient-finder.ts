import { normalizeString } from '../../fhir/search/normalize.js';
import type { SearchParamRegistry } from '../../fhir/storage/search-param-registry.js';
import type { Database } from '../../platform/db/pool.js';
import type { Account } from '../identity/account-store.js';
import { reachKind } from './caller-policy.js';
import type { ReachResolver } from './reach.js';

export interface PatientChoice {
  id: string;
  name: string;
  birthDate?: string;
}

const LIMIT = 20;

type HumanName = { text?: string; family?: string; given?: string[] };

function displayName(content: string): { name: string; birthDate?: string } {
  const p = JSON.parse(content) as { name?: HumanName[]; birthDate?: string };
  const n = p.name?.[0];
  const name = n?.text ?? [...(n?.given ?? []), n?.family ?? ''].join(' ').trim();
  return { name: name || '—', ...(p.birthDate ? { birthDate: p.birthDate } : {}) };
}

/**
 * The patients a user may pick at a standalone SMART launch (`launch/patient` without a launch
 * context): found by name among those they reach — a clinician's care relationships, a
 * caregiver's dependents; staff not bounded by patients search the tenant.
 */
export class PatientFinder {
  private readonly nameParams: number[];

  constructor(
    private readonly db: Database,
    registry: SearchParamRegistry,
    private readonly reach: ReachResolver,
  ) {
    // `name` rows leave out what `family` and `given` hold (decision 0011): search all three.
    this.nameParams = ['name', 'family', 'given'].map((c) => registry.id('Patient', c));
  }

  private async bound(account: Account): Promise<string[] | null> {
    const kind = reachKind(account.roles);
    if (kind === null) return null;
    const r = await this.reach.resolve(account.tenantId, account.id, kind, account.fhirUser ?? undefined);
    return [...r.patients, ...r.breakGlass.keys()];
  }

  async find(account: Account, query: string): Promise<PatientChoice[]> {
    const norm = normalizeString(query.trim());
    if (norm === '') return [];
    const bound = await this.bound(account);
    const res = await this.db.query<{ id: string; content: string }>(
      account.tenantId,
      `SELECT DISTINCT r.id, r.content FROM idx_string i
       JOIN resource r ON r.tenant_id = i.tenant_id AND r.rid = i.rid AND NOT r.deleted
       WHERE i.tenant_id = $1 AND i.param_id = ANY($2::int[]) AND i.norm LIKE $3 ESCAPE '\\'
         AND ($4::text[] IS NULL OR r.id = ANY($4::text[]))
       LIMIT ${LIMIT}`,
      [account.tenantId, this.nameParams, `${norm.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, bound],
    );
    return res.rows.map((r) => ({ id: r.id, ...displayName(r.content) }));
  }

  /** The patient, when the user may pick them; null otherwise. */
  async pick(account: Account, patientId: string): Promise<PatientChoice | null> {
    const bound = await this.bound(account);
    if (bound !== null && !bound.includes(patientId)) return null;
    const res = await this.db.query<{ content: string }>(
      account.tenantId,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2 AND NOT deleted`,
      [account.tenantId, patientId],
    );
    const row = res.rows[0];
    return row ? { id: patientId, ...displayName(row.content) } : null;
  }
}
