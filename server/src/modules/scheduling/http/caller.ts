import type { FastifyRequest } from 'fastify';
import { callerOf } from '../../../auth/access/caller-of.js';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import { INTERACTIONS, parseScopes, scopesAllow, type Interaction } from '../../../auth/policy/scopes.js';
import type { Booker } from '../availability/types.js';

const STAFF_BOOKERS: readonly Booker[] = ['front-desk', 'clinician', 'nurse'];
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export interface SchedulingCaller {
  tenantId: number;
  roles: string[];
  /** The role the caller books as: staff first, then caregiver, then patient. */
  booker: Booker | null;
  staff: boolean;
  /** `Practitioner/…` or `Patient/…` of the signed-in user. */
  fhirUser?: string;
  /** Recorded on bookings: the account, never a name. */
  account: string;
  /** Patients the caller acts for (null: any patient of the tenant). */
  patients: readonly string[] | null;
  /** What the token's scopes allow on Appointment (the role decides the rest). */
  scopes: ReadonlySet<Interaction>;
}

export function schedulingCaller(req: FastifyRequest): SchedulingCaller {
  const caller = callerOf(req);
  const roles = req.claims?.roles ?? [];
  const booker =
    STAFF_BOOKERS.find((r) => roles.includes(r)) ??
    (roles.includes('caregiver') ? 'caregiver' : roles.includes('patient') ? 'patient' : null);
  const staff = STAFF_BOOKERS.some((r) => roles.includes(r)) || roles.includes('tenant-admin');
  return {
    tenantId: caller.tenantId,
    roles,
    booker,
    staff,
    ...(req.claims?.fhirUser ? { fhirUser: req.claims.fhirUser } : {}),
    account: req.claims?.sub ?? req.claims?.client_id ?? 'unknown',
    patients:
      staff && !roles.includes('clinician') && !roles.includes('nurse') ? null : caller.access.compartment(),
    scopes: new Set(
      INTERACTIONS.filter(
        (i) =>
          scopesAllow(parseScopes(req.claims?.scope ?? '').resource, undefined, 'Appointment', i).length > 0,
      ),
    ),
  };
}

function forbidden(diagnostics: string): FhirError {
  return new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics });
}

/**
 * The patient a request is for: a patient is always themselves; a caregiver names one of their
 * dependents; staff name any patient they may act for. Out of reach is 404, like a record read.
 */
export function patientFor(c: SchedulingCaller, named: string | undefined): string {
  const id = named?.replace(/^Patient\//, '');
  if (id !== undefined && !ID.test(id))
    throw new FhirError(400, { severity: 'error', code: 'invalid', diagnostics: 'Invalid patient id' });
  if (c.patients === null) {
    if (!id)
      throw new FhirError(400, {
        severity: 'error',
        code: 'required',
        diagnostics: 'The patient is required',
      });
    return id;
  }
  const chosen = id ?? (c.patients.length === 1 ? c.patients[0] : undefined);
  if (!chosen)
    throw new FhirError(400, { severity: 'error', code: 'required', diagnostics: 'The patient is required' });
  if (!c.patients.includes(chosen))
    throw new FhirError(404, { severity: 'error', code: 'not-found', diagnostics: 'Patient not found' });
  return chosen;
}

export function requireBooker(c: SchedulingCaller): Booker {
  if (!c.booker) throw forbidden('This account cannot book appointments');
  requireScope(c, 'c');
  return c.booker;
}

/** The token must have been granted this interaction on Appointment (SMART scopes). */
export function requireScope(c: SchedulingCaller, interaction: Interaction): void {
  if (!c.scopes.has(interaction))
    throw new FhirError(403, {
      severity: 'error',
      code: 'forbidden',
      diagnostics: `The access token's scopes do not allow this on Appointment (needs ${interaction})`,
    });
}

export function requireStaff(c: SchedulingCaller): void {
  if (!c.staff) throw forbidden('Only clinic staff may do this');
}
