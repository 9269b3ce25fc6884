import { FhirError } from '../../platform/http/operation-outcome.js';
import { parseStoredJson, stringifyWithNumbers } from '../../platform/json/lossless-numbers.js';
import type { Access, AccessAction, AccessLetter, ResourceView } from '../../fhir/interactions/access.js';
import type { Queryable } from '../../platform/db/pool.js';
import type { StoredVersion } from '../../fhir/storage/resource-store.js';
import { applyElements, elementsFor } from '../policy/minimum-necessary.js';
import { roleAllows } from '../policy/permissions.js';
import type { Role } from '../policy/roles.js';
import { scopesAllow, type ResourceScope, type ScopeContext } from '../policy/scopes.js';
import type { AuditTrail } from './audit-trail.js';
import { consentWithholds, type ConsentActor } from './consent-rules.js';
import type { ConsentDirectory } from './consents.js';
import type { PatientsOf } from './patients-of.js';
import type { Reach } from './reach.js';
import type { SecurityMetrics } from './security-metrics.js';

type Resource = Record<string, unknown> & { resourceType: string };

export interface CallerPolicy {
  /** A backend service (client credentials): `system/` scopes, no user and no roles. */
  system: boolean;
  roles: readonly Role[];
  scopes: readonly ResourceScope[];
  /** Scope contexts the token may use: `patient/` only with a launch patient. */
  contexts: readonly ScopeContext[];
  /** Whose records the caller reaches; null when not bounded by patients (front desk, billing, services). */
  reach: Reach | null;
  /** The request path and query under the FHIR base, for search audit entries. */
  query: string;
  tenantId: number;
  /** Who the caller is to patients' consents. */
  actor: ConsentActor;
  /** The patient the caller is (their own record is never withheld from them). */
  self?: string;
}

function forbidden(diagnostics: string): FhirError {
  return new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics });
}

const WRITE_ACTIONS = new Set<AccessAction>(['create', 'update', 'patch', 'delete']);

// A reach is cached for seconds and shared by the requests of that time; so is its list.
const bounds = new WeakMap<Reach, readonly string[]>();
function boundOf(reach: Reach): readonly string[] {
  let list = bounds.get(reach);
  if (!list) {
    list = [...reach.patients, ...reach.breakGlass.keys()];
    bounds.set(reach, list);
  }
  return list;
}

/**
 * The access policy of one request (see auth/access/README.md): scopes ∩ role permissions, the
 * patients the caller reaches, minimum-necessary element limits, and an audit record for every
 * access to a patient's record and every denial.
 */
export class RequestAccess implements Access {
  /** Whose record each search result is decides its reach, consents and audit entities. */
  readonly wantsPatients = true;
  private readonly bound: readonly string[] | null;
  /** Patients of resources checked before a write (update, patch, delete), for its audit record. */
  private readonly pending = new Map<string, string[]>();
  /**
   * Patients of the resource last passed to write(): an interaction writes one resource at a time,
   * and a create has no id yet to key it by.
   */
  private lastWrite: string[] = [];

  constructor(
    private readonly policy: CallerPolicy,
    private readonly patientsOf: PatientsOf,
    private readonly trail: AuditTrail,
    private readonly metrics: SecurityMetrics,
    private readonly consents: ConsentDirectory,
  ) {
    this.bound = policy.reach ? boundOf(policy.reach) : null;
  }

  allows(type: string, letter: AccessLetter): boolean {
    const p = this.policy;
    if (scopesAllow(p.scopes, p.contexts, type, letter).length === 0) return false;
    return p.system || roleAllows(p.roles, type, letter);
  }

  require(type: string, letter: AccessLetter, action: AccessAction): void {
    // Changes under a restricted (granular) scope would need the new version checked against its
    // query; until then they are refused rather than let through unchecked.
    if (
      this.allows(type, letter) &&
      (letter === 'r' || letter === 's' || this.criteria(type, letter) === null)
    )
      return;
    this.trail.add({ action, outcome: 'denied', outcomeCode: 'not-permitted', resources: [], patients: [] });
    this.metrics.deny('forbidden');
    throw forbidden(`This token or role does not permit this interaction on ${type}`);
  }

  compartment(): readonly string[] | null {
    return this.bound;
  }

  criteria(type: string, letter: AccessLetter): [string, string][] | null {
    const p = this.policy;
    const matching = scopesAllow(p.scopes, p.contexts, type, letter);
    if (matching.length === 0 || matching.some((s) => s.query.length === 0)) return null;
    const first = matching[0];
    const same = matching.every((s) => JSON.stringify(s.query) === JSON.stringify(first?.query));
    if (first && same) return first.query;
    // Several different restrictions would be an OR of searches, which one search cannot say.
    throw forbidden(
      `This token reaches ${type} through several restricted scopes; one search cannot combine them`,
    );
  }

  async view(action: AccessAction, v: ResourceView, q: Queryable): Promise<string | null> {
    const [seen] = await this.see([v], q);
    if (!seen) return null;
    const ref = `${v.resourceType}/${v.id}`;
    if (seen.hidden) {
      this.trail.add({
        action,
        outcome: 'denied',
        outcomeCode: seen.hidden,
        resources: [ref],
        patients: seen.patients.map((p) => `Patient/${p}`),
      });
      this.metrics.deny(seen.hidden);
      return null;
    }
    if (WRITE_ACTIONS.has(action)) {
      this.pending.set(ref, seen.patients);
      return seen.content;
    }
    this.trail.add({
      action,
      outcome: 'success',
      resources: [ref],
      patients: seen.patients.map((p) => `Patient/${p}`),
      ...this.glass(seen.patients),
    });
    return seen.content;
  }

  async viewMany(
    action: AccessAction,
    entries: readonly ResourceView[],
    q: Queryable,
  ): Promise<(string | null)[]> {
    const patients = new Set<string>();
    const readable = entries.map((v) => this.allows(v.resourceType, 'r') || this.allows(v.resourceType, 's'));
    const seen = await this.see(
      entries.filter((_, i) => readable[i]),
      q,
    );
    let next = 0;
    const shown = entries.map((_, i) => {
      if (!readable[i]) return null;
      const one = seen[next++];
      if (!one || one.hidden) return null;
      for (const p of one.patients) patients.add(p);
      return one.content;
    });
    const list = [...patients];
    this.trail.add({
      action,
      outcome: 'success',
      searchScope: action === 'history' ? 'instance' : 'type',
      resources: [],
      patients: list.map((p) => `Patient/${p}`),
      query: this.policy.query,
      ...this.glass(list),
    });
    return shown;
  }

  async write(
    action: AccessAction,
    resource: Resource,
    before: StoredVersion | undefined,
  ): Promise<Resource> {
    const type = resource.resourceType;
    const patients = this.patientsOf.isRecordType(type) ? this.patientsOf.of(resource) : [];
    if (this.bound !== null && this.patientsOf.isRecordType(type) && !patients.some((p) => this.reaches(p))) {
      this.trail.add({
        action,
        outcome: 'denied',
        outcomeCode: 'out-of-reach',
        resources: resource.id === undefined ? [] : [`${type}/${String(resource.id)}`],
        patients: patients.map((p) => `Patient/${p}`),
      });
      this.metrics.deny('out-of-reach');
      throw forbidden(`This caller may only write ${type} resources of the patients they care for`);
    }
    this.lastWrite = patients;
    const elements = elementsFor(this.policy.system ? [] : this.policy.roles, type);
    if (this.policy.system || elements === 'all') return resource;
    // A limited view writes only what it can see; what it cannot see is kept from the version before.
    const visible = applyElements(resource, elements);
    delete (visible as { meta?: unknown }).meta;
    const previous = before?.content ? (parseStoredJson(before.content) as Resource) : undefined;
    const kept = previous
      ? Object.fromEntries(Object.entries(previous).filter(([k]) => !elements.includes(k)))
      : {};
    return {
      ...kept,
      ...visible,
      ...(resource.meta ? { meta: resource.meta } : {}),
      resourceType: type,
    } as Resource;
  }

  wrote(action: AccessAction, version: StoredVersion): void {
    const key = `${version.resourceType}/${version.id}`;
    const before = this.pending.get(key) ?? [];
    const after = action === 'delete' ? [] : this.lastWrite;
    const patients = [...new Set([...before, ...after])];
    this.pending.delete(key);
    this.lastWrite = [];
    if (version.resourceType === 'Consent')
      for (const p of patients) this.consents.forget(this.policy.tenantId, p);
    this.trail.add({
      action,
      outcome: 'success',
      resources: [`${key}/_history/${version.versionId}`],
      patients: patients.map((p) => `Patient/${p}`),
      ...this.glass(patients),
    });
  }

  private reaches(patient: string): boolean {
    const r = this.policy.reach;
    return r === null || r.patients.has(patient) || r.breakGlass.has(patient);
  }

  /** The break-glass reason when the access reaches a patient only through break-glass. */
  private glass(patients: readonly string[]): { breakGlassReason?: string } {
    const r = this.policy.reach;
    if (!r || r.breakGlass.size === 0) return {};
    for (const p of patients) {
      const reason = r.breakGlass.get(p);
      if (reason !== undefined && !r.patients.has(p)) return { breakGlassReason: reason };
    }
    return {};
  }

  /**
   * For each resource: whose record it is, whether the caller reaches it (and no consent of those
   * patients withholds it from them), and the text they may see.
   */
  private async see(views: readonly ResourceView[], q: Queryable): Promise<Seen[]> {
    const system = this.policy.system;
    const first = views.map((v) => {
      const type = v.resourceType;
      const record = this.patientsOf.isRecordType(type);
      const elements = elementsFor(system ? [] : this.policy.roles, type);
      let resource: Resource | undefined;
      // Whose record it is and what consents say read references and codes only: the native parser
      // will do. Limiting elements re-serializes, so it keeps decimals exactly (lossless parser).
      const parsed = () => (resource ??= JSON.parse(v.content) as Resource);
      const patients =
        type === 'Patient'
          ? [v.id]
          : !record
            ? []
            : v.patients
              ? [...v.patients]
              : this.patientsOf.of(parsed());
      return { v, record, elements, parsed, patients };
    });
    const others = new Set<string>();
    for (const f of first) for (const p of f.patients) if (p !== this.policy.self) others.add(p);
    const consents =
      others.size > 0 ? await this.consents.of(this.policy.tenantId, [...others], q) : undefined;
    return first.map(({ v, record, elements, parsed, patients }) => {
      if (record && this.bound !== null && !patients.some((p) => this.reaches(p)))
        return { hidden: 'out-of-reach', patients, content: '' };
      const withheld = patients.some((p) => {
        const list = p === this.policy.self ? undefined : consents?.get(p);
        return list !== undefined && list.length > 0 && consentWithholds(list, this.policy.actor, parsed());
      });
      if (withheld) return { hidden: 'consent', patients, content: '' };
      const limited = !system && elements !== 'all';
      const content = limited
        ? stringifyWithNumbers(applyElements(parseStoredJson(v.content) as Resource, elements))
        : v.content;
      return { hidden: false, patients, content };
    });
  }
}

interface Seen {
  /** Why the caller may not see it, or false. */
  hidden: false | 'out-of-reach' | 'consent';
  patients: string[];
  content: string;
}
