import crypto from 'node:crypto';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import { plannedVisit } from '../encounter/index.js';
import type { VisitServices } from '../services.js';
import { recordNewVisit } from '../store/record.js';
import { readVisit, visitOfAppointment, type VisitRow } from '../store/visit-row.js';
import { participantKind, visitNotFound, type VisitCaller } from './participant.js';

/** A check-in opens this long before the appointment's start. */
export const CHECK_IN_OPENS_MS = 15 * 60_000;

function unprocessable(diagnostics: string): FhirError {
  return new FhirError(422, { severity: 'error', code: 'business-rule', diagnostics });
}

function newRow(
  fields: Pick<VisitRow, 'appointmentId' | 'serviceLine' | 'visitTypeId' | 'patientId' | 'practitionerId'> & {
    startsAt: number | null;
    expectedMinutes: number;
  },
  at: number,
): VisitRow {
  const id = crypto.randomUUID();
  const state = plannedVisit(
    {
      visitId: id,
      patientId: fields.patientId,
      serviceLine: fields.serviceLine,
      ...(fields.appointmentId ? { appointmentId: fields.appointmentId } : {}),
      ...(fields.practitionerId ? { practitionerId: fields.practitionerId } : {}),
    },
    at,
  );
  return {
    id,
    ...fields,
    status: 'planned',
    state,
    arrivedAt: null,
    admittedAt: null,
    endedAt: null,
    intakeResponseId: null,
    consentId: null,
    deviceCheck: null,
    nextStepsId: null,
    mediaMode: 'p2p',
    version: 1,
  };
}

/**
 * The visit of a booked video (or audio) appointment, made on first use: by the patient opening
 * check-in, or the clinician opening the visit. One visit per appointment (a unique index), so two
 * first uses at once make one.
 */
export async function openVisitForAppointment(
  s: VisitServices,
  c: VisitCaller,
  appointmentId: string,
): Promise<{ visit: VisitRow; as: 'patient' | 'clinician' }> {
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(appointmentId)) throw visitNotFound();
  return s.db.transaction(c.tenantId, async (q) => {
    const found = await visitOfAppointment(q, c.tenantId, appointmentId);
    if (found) return { visit: found, as: await participantKind(q, c, found) };
    const b = await q.query<{
      kind: string;
      patient_id: string | null;
      practitioner_id: string;
      visit_type_id: string;
      modality: string;
      status: string;
      starts_at: Date;
      ends_at: Date;
    }>(
      `SELECT kind, patient_id, practitioner_id, visit_type_id, modality, status, starts_at, ends_at
         FROM sched_booking WHERE tenant_id = $1 AND appointment_id = $2 FOR UPDATE`,
      [c.tenantId, appointmentId],
    );
    const booking = b.rows[0];
    if (!booking?.patient_id || booking.kind !== 'visit') throw visitNotFound();
    const vt = await s.scheduling.config.visitType(q, c.tenantId, booking.visit_type_id);
    const row = newRow(
      {
        appointmentId,
        serviceLine: vt?.serviceLine ?? 'unknown',
        visitTypeId: booking.visit_type_id,
        patientId: booking.patient_id,
        practitionerId: booking.practitioner_id,
        startsAt: booking.starts_at.getTime(),
        expectedMinutes: Math.max(
          1,
          Math.round((booking.ends_at.getTime() - booking.starts_at.getTime()) / 60_000),
        ),
      },
      s.now(),
    );
    // Who asks is checked before anything is written: a stranger learns nothing and makes nothing.
    const as = await participantKind(q, c, row);
    if (booking.modality === 'in-person')
      throw unprocessable('This appointment is in person, not a video visit');
    if (!['booked', 'checked-in'].includes(booking.status))
      throw new FhirError(409, {
        severity: 'error',
        code: 'business-rule',
        diagnostics: `The appointment is ${booking.status}`,
      });
    await recordNewVisit(s, q, c.tenantId, row);
    return { visit: row, as };
  });
}

/**
 * A visit from a service line's on-demand queue ("see the next available clinician"): no
 * appointment and no clinician until one admits it. A patient has one open on-demand visit at most.
 */
export async function openOnDemandVisit(
  s: VisitServices,
  c: VisitCaller,
  serviceLine: string,
  patientId: string,
): Promise<VisitRow> {
  return s.db.transaction(c.tenantId, async (q) => {
    const types = (await s.scheduling.config.visitTypes(q, c.tenantId, serviceLine)).filter(
      (vt) => vt.groupCapacity === 1 && vt.modalities.includes('video'),
    );
    const vt = types[0];
    if (!vt) throw unprocessable('This service line has no video visits');
    // One at a time per patient: serialised on the patient, then checked.
    await q.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `visit-on-demand/${c.tenantId}/${patientId}`,
    ]);
    const open = await q.query<{ id: string }>(
      `SELECT id FROM visit WHERE tenant_id = $1 AND patient_id = $2 AND appointment_id IS NULL
         AND status IN ('planned', 'arrived', 'in-progress') LIMIT 1`,
      [c.tenantId, patientId],
    );
    if (open.rows[0]) {
      const existing = await readVisit(q, c.tenantId, open.rows[0].id);
      if (existing) return existing;
    }
    const row = newRow(
      {
        appointmentId: null,
        serviceLine,
        visitTypeId: vt.id,
        patientId,
        practitionerId: null,
        startsAt: null,
        expectedMinutes: vt.durationMin,
      },
      s.now(),
    );
    await recordNewVisit(s, q, c.tenantId, row);
    return row;
  });
}
