import { isRole, type Role } from '../policy/roles.js';
import { parseScopes, type ScopeContext } from '../policy/scopes.js';
import type { AccessClaims } from '../tokens/access-token.js';
import type { CallerPolicy } from './request-access.js';
import type { CallerOrganizations } from './caller-organizations.js';
import type { Reach, ReachResolver } from './reach.js';

/** Roles whose reach of patients' records is bounded by patients (own, dependents, care relationships). */
export function reachKind(roles: readonly Role[]): 'own' | 'dependents' | 'care' | null {
  // Staff who need every patient of the tenant (registration, billing) are bounded by elements instead.
  if (roles.includes('front-desk') || roles.includes('billing')) return null;
  if (roles.includes('clinician') || roles.includes('nurse')) return 'care';
  if (roles.includes('caregiver')) return 'dependents';
  if (roles.includes('patient')) return 'own';
  return null;
}

// A client sends the same token (and so the same scope string) many times.
const parsedScopes = new Map<string, ReturnType<typeof parseScopes>>();
function scopesOf(scope: string): ReturnType<typeof parseScopes> {
  let parsed = parsedScopes.get(scope);
  if (!parsed) {
    if (parsedScopes.size > 1000) parsedScopes.clear();
    parsed = parseScopes(scope);
    parsedScopes.set(scope, parsed);
  }
  return parsed;
}

/** From a verified access token to what its bearer may do in this request. */
export async function callerPolicy(
  claims: AccessClaims,
  reachResolver: ReachResolver,
  organizationsOf: CallerOrganizations,
  query: string,
): Promise<{ policy: CallerPolicy; accountId: string | undefined }> {
  const scopes = scopesOf(claims.scope);
  const system = claims.svc === true;
  const roles = system ? [] : claims.roles.filter(isRole);
  const accountId = system ? undefined : accountIdOf(claims.sub);
  const contexts: ScopeContext[] = system ? ['system'] : claims.patient ? ['patient', 'user'] : ['user'];

  let reach: Reach | null = null;
  const kind = system ? null : reachKind(roles);
  if (kind && accountId) reach = await reachResolver.resolve(claims.tid, accountId, kind, claims.fhirUser);
  // A token whose only record scopes are `patient/` ones reaches the launch patient alone.
  const patientOnly = scopes.resource.length > 0 && scopes.resource.every((s) => s.context === 'patient');
  if (!system && patientOnly && claims.patient) {
    const launch = claims.patient;
    const reachable = reach === null || reach.patients.has(launch) || reach.breakGlass.has(launch);
    const reason = reach?.breakGlass.get(launch);
    reach = {
      patients: new Set(reachable && reason === undefined ? [launch] : []),
      breakGlass: new Map(reachable && reason !== undefined ? [[launch, reason]] : []),
    };
  }
  const self =
    roles.includes('patient') && claims.fhirUser?.startsWith('Patient/')
      ? claims.fhirUser.slice(8)
      : undefined;
  return {
    policy: {
      system,
      roles,
      scopes: scopes.resource,
      contexts,
      reach,
      query,
      tenantId: claims.tid,
      actor: system
        ? { roles: [] }
        : {
            roles,
            ...(claims.fhirUser ? { fhirUser: claims.fhirUser } : {}),
            organizations: await organizationsOf.of(claims.tid, claims.fhirUser),
          },
      ...(self ? { self } : {}),
    },
    accountId,
  };
}

/** The account id in a user token's `sub` (`<tenant>.<account>`), the key of the reach cache. */
export function accountIdOf(sub: string | undefined): string | undefined {
  return sub?.split('.')[1];
}
