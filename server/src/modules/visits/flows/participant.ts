import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../../platform/db/pool.js';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import { schedulingCaller, type SchedulingCaller } from '../../scheduling/http/caller.js';
import type { VisitRow } from '../store/visit-row.js';
import type { ParticipantKind } from '../tickets/visit-tickets.js';

export type VisitCaller = SchedulingCaller & {
  /** The signed-in clinician's Practitioner id, when the caller is one. */
  practitionerId: string | null;
};

export function visitCaller(req: FastifyRequest): VisitCaller {
  const c = schedulingCaller(req);
  const clinician = c.roles.includes('clinician') && c.fhirUser?.startsWith('Practitioner/');
  return { ...c, practitionerId: clinician ? (c.fhirUser?.slice('Practitioner/'.length) ?? null) : null };
}

/** Out of reach is "not found", like a record read: whether a visit exists is not told to outsiders. */
export function visitNotFound(): FhirError {
  return new FhirError(404, { severity: 'error', code: 'not-found', diagnostics: 'Visit not found' });
}

export function forbidden(diagnostics: string): FhirError {
  return new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics });
}

/** Service lines a clinician works in (their scheduling configuration). */
export async function serviceLinesOf(
  q: Queryable,
  tenantId: number,
  practitionerId: string,
): Promise<string[]> {
  const res = await q.query<{ lines: string[] | null }>(
    `SELECT array(SELECT jsonb_array_elements_text(config->'serviceLines')) AS lines FROM sched_clinician WHERE tenant_id = $1 AND practitioner_id = $2 AND active`,
    [tenantId, practitionerId],
  );
  return res.rows[0]?.lines ?? [];
}

/**
 * How the caller takes part in the visit: the patient (or a caregiver acting for them), the
 * clinician it is booked with (or, for an on-demand visit not yet admitted, any clinician of its
 * service line), or nobody — then 404.
 */
export async function participantKind(
  q: Queryable,
  c: VisitCaller,
  v: VisitRow,
): Promise<Exclude<ParticipantKind, 'guest'>> {
  if (c.practitionerId) {
    if (v.practitionerId === c.practitionerId) return 'clinician';
    if (
      v.practitionerId === null &&
      (await serviceLinesOf(q, c.tenantId, c.practitionerId)).includes(v.serviceLine)
    )
      return 'clinician';
    throw visitNotFound();
  }
  if (!c.staff && c.patients?.includes(v.patientId)) return 'patient';
  throw visitNotFound();
}
