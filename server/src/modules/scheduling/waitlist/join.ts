import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { createResource, updateResource } from '../../../fhir/interactions/write.js';
import { newId } from '../../../fhir/storage/resource-store.js';
import type { Queryable } from '../../../platform/db/pool.js';
import { SERVICE_LINE_SYSTEM, VISIT_TYPE_SYSTEM } from '../booking/appointment-resource.js';
import { notFound, refused } from '../booking/errors.js';
import type { BookingServices } from '../booking/services.js';

export interface WaitlistRequest {
  patientId: string;
  visitTypeId: string;
  practitionerId?: string;
  earliest: number;
  latest: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The FHIR record of a wait: an Appointment with status `waitlist` and the period asked for. */
function waitlistAppointment(
  req: WaitlistRequest,
  serviceLine: string,
  visitTypeName: string,
  status: string,
) {
  return {
    resourceType: 'Appointment',
    status,
    serviceCategory: [{ coding: [{ system: SERVICE_LINE_SYSTEM, code: serviceLine }] }],
    appointmentType: {
      coding: [{ system: VISIT_TYPE_SYSTEM, code: req.visitTypeId, display: visitTypeName }],
    },
    requestedPeriod: [{ start: iso(req.earliest), end: iso(req.latest) }],
    participant: [
      { actor: { reference: `Patient/${req.patientId}` }, required: 'required', status: 'needs-action' },
      ...(req.practitionerId
        ? [
            {
              actor: { reference: `Practitioner/${req.practitionerId}` },
              required: 'required',
              status: 'needs-action',
            },
          ]
        : []),
    ],
  };
}

/** Puts a patient on the waitlist for a visit type (and a clinician, when they asked for one). */
export async function joinWaitlist(
  s: BookingServices,
  tenantId: number,
  req: WaitlistRequest,
): Promise<{ waitlistId: string; appointmentId: string }> {
  const now = s.now();
  if (req.latest <= req.earliest || req.latest <= now)
    throw refused('The waiting range must end after it starts, in the future');
  return s.db.transaction(tenantId, async (q) => {
    const vt = await s.config.visitType(q, tenantId, req.visitTypeId);
    if (!vt) throw notFound('Visit type');
    const waitlistId = crypto.randomUUID();
    const appointmentId = newId();
    await q.query(
      `INSERT INTO sched_waitlist (tenant_id, id, patient_id, visit_type_id, practitioner_id, earliest, latest, status, appointment_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting', $8)`,
      [
        tenantId,
        waitlistId,
        req.patientId,
        vt.id,
        req.practitionerId ?? null,
        new Date(req.earliest),
        new Date(req.latest),
        appointmentId,
      ],
    );
    await createResource(
      s.fhir,
      { tenantId, access: OPEN_ACCESS, q },
      'Appointment',
      waitlistAppointment(req, vt.serviceLine, vt.name, 'waitlist'),
      undefined,
      appointmentId,
    );
    return { waitlistId, appointmentId };
  });
}

type WaitlistRow = {
  patient_id: string;
  visit_type_id: string;
  practitioner_id: string | null;
  earliest: Date;
  latest: Date;
  status: string;
  appointment_id: string | null;
};

async function lockEntry(
  q: Queryable,
  tenantId: number,
  waitlistId: string,
): Promise<WaitlistRow | undefined> {
  const res = await q.query<WaitlistRow>(
    `SELECT patient_id, visit_type_id, practitioner_id, earliest, latest, status, appointment_id
       FROM sched_waitlist WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
    [tenantId, waitlistId],
  );
  return res.rows[0];
}

/**
 * Ends a wait: the entry takes `status` and its Appointment is cancelled with the reason (left the
 * waitlist, or booked from it: the booking is its own Appointment). In the caller's transaction.
 */
export async function closeWaitlistEntry(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  waitlistId: string,
  status: 'cancelled' | 'booked',
  reason: string,
): Promise<void> {
  const row = await lockEntry(q, tenantId, waitlistId);
  if (!row) throw notFound('Waitlist entry');
  await q.query(
    `UPDATE sched_waitlist SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, waitlistId, status],
  );
  const vt = await s.config.visitType(q, tenantId, row.visit_type_id);
  if (!row.appointment_id || !vt) return;
  await updateResource(s.fhir, { tenantId, access: OPEN_ACCESS, q }, 'Appointment', row.appointment_id, {
    ...waitlistAppointment(
      {
        patientId: row.patient_id,
        visitTypeId: row.visit_type_id,
        ...(row.practitioner_id ? { practitionerId: row.practitioner_id } : {}),
        earliest: row.earliest.getTime(),
        latest: row.latest.getTime(),
      },
      vt.serviceLine,
      vt.name,
      'cancelled',
    ),
    cancelationReason: { text: reason },
    id: row.appointment_id,
  });
}

/** Leaves the waitlist (the patient's own entry only). */
export async function leaveWaitlist(
  s: BookingServices,
  tenantId: number,
  req: { waitlistId: string; patientId: string },
) {
  await s.db.transaction(tenantId, async (q) => {
    const row = await lockEntry(q, tenantId, req.waitlistId);
    if (!row || row.patient_id !== req.patientId) throw notFound('Waitlist entry');
    if (row.status !== 'waiting') throw refused(`The waitlist entry is ${row.status}`, 409);
    await closeWaitlistEntry(s, q, tenantId, req.waitlistId, 'cancelled', 'Left the waitlist');
  });
}
