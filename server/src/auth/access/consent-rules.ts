/**
 * FHIR Consent (R4) as the access policy reads it: a patient's active privacy consent whose `deny`
 * provisions withhold kinds of data (resource types in `class`, security labels such as a
 * behavioural-health label in `securityLabel`, categories in `code`) from actors (a role, a
 * practitioner, an organization) for a period. A provision without actors applies to everyone but
 * the patient; one without data criteria applies to all of the patient's data.
 */

type Coding = { system?: string; code?: string };
type Concept = { coding?: Coding[] };
type Reference = { reference?: string };

export interface ConsentProvision {
  type?: 'deny' | 'permit';
  period?: { start?: string; end?: string };
  actor?: { role?: Concept; reference?: Reference }[];
  class?: Coding[];
  code?: Concept[];
  securityLabel?: Coding[];
  provision?: ConsentProvision[];
}

export interface ConsentResource {
  resourceType: 'Consent';
  status?: string;
  patient?: Reference;
  provision?: ConsentProvision;
}

/** Who asks, as consents name people: their roles, their FHIR user and their organizations. */
export interface ConsentActor {
  roles: readonly string[];
  /** `Practitioner/…` */
  fhirUser?: string;
  organizations?: readonly string[];
}

/** Role codes consents use for OpenVisit's roles. */
export const ROLE_SYSTEM = 'urn:openvisit:role';
const RESOURCE_TYPES = 'http://hl7.org/fhir/resource-types';

function active(p: ConsentProvision, now: number): boolean {
  const start = p.period?.start ? Date.parse(p.period.start) : -Infinity;
  const end = p.period?.end ? Date.parse(p.period.end) : Infinity;
  return now >= start && now <= end;
}

/**
 * An actor names who by `reference` (the person, or an organization they work for) and, with
 * OpenVisit's role codes in `role`, which of its roles; given both, both must hold ("clinicians of
 * Organization/7"). Other role codes (how the actor takes part) do not narrow it.
 */
function actorMatches(p: ConsentProvision, who: ConsentActor): boolean {
  if (!p.actor || p.actor.length === 0) return true;
  return p.actor.some((a) => {
    const ref = a.reference?.reference;
    const byRef = ref ? ref === who.fhirUser || (who.organizations?.includes(ref) ?? false) : undefined;
    const roles = (a.role?.coding ?? []).filter((c) => c.system === ROLE_SYSTEM && c.code !== undefined);
    const byRole = roles.length > 0 ? roles.some((c) => who.roles.includes(c.code ?? '')) : undefined;
    if (byRef === undefined && byRole === undefined) return false;
    return (byRef ?? true) && (byRole ?? true);
  });
}

function codingsOf(value: unknown): Coding[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(codingsOf);
  const v = value as { coding?: unknown; system?: unknown; code?: unknown };
  if (Array.isArray(v.coding)) return v.coding as Coding[];
  return typeof v.code === 'string' ? [v as Coding] : [];
}

const same = (a: Coding, b: Coding) =>
  a.code === b.code && (a.system === undefined || b.system === undefined || a.system === b.system);

function dataMatches(p: ConsentProvision, resource: Record<string, unknown>): boolean {
  const criteria = (p.class?.length ?? 0) + (p.code?.length ?? 0) + (p.securityLabel?.length ?? 0);
  if (criteria === 0) return true;
  const type = resource.resourceType;
  if ((p.class ?? []).some((c) => c.code === type && (c.system === undefined || c.system === RESOURCE_TYPES)))
    return true;
  const labels = codingsOf((resource.meta as { security?: unknown } | undefined)?.security);
  if ((p.securityLabel ?? []).some((l) => labels.some((x) => same(l, x)))) return true;
  // Kinds of data: the resource's category (Observation, Condition, DocumentReference…) or type.
  const kinds = [...codingsOf(resource.category), ...codingsOf(resource.type)];
  return (p.code ?? []).some((concept) => (concept.coding ?? []).some((c) => kinds.some((k) => same(c, k))));
}

/**
 * A provision's answer for this access, if it applies to it: its own type, unless a nested provision
 * (an exception) that also applies says otherwise. Undefined when it does not apply.
 */
function decide(
  p: ConsentProvision,
  who: ConsentActor,
  resource: Record<string, unknown>,
  now: number,
  inherited: 'deny' | 'permit',
): 'deny' | 'permit' | undefined {
  if (!active(p, now) || !actorMatches(p, who) || !dataMatches(p, resource)) return undefined;
  const own = p.type ?? inherited;
  for (const child of p.provision ?? []) {
    const exception = decide(child, who, resource, now, own === 'deny' ? 'permit' : 'deny');
    if (exception !== undefined) return exception;
  }
  return own;
}

/** Whether one of the patient's active consents withholds `resource` from `who`. */
export function consentWithholds(
  consents: readonly ConsentResource[],
  who: ConsentActor,
  resource: Record<string, unknown>,
  now = Date.now(),
): boolean {
  return consents.some(
    (c) =>
      c.status === 'active' &&
      c.provision !== undefined &&
      decide(c.provision, who, resource, now, 'permit') === 'deny',
  );
}
