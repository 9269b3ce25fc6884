import { FhirError } from '../../../platform/http/operation-outcome.js';
import { markAttendance } from '../../scheduling/booking/attendance.js';
import { cancelInTransaction } from '../../scheduling/booking/cancel.js';
import type { VisitModality } from '../encounter/index.js';
import type { VisitServices } from '../services.js';
import { recordVisitEvent } from '../store/record.js';
import { lockVisit, type VisitRow } from '../store/visit-row.js';
import { participantKind, visitNotFound, forbidden, type VisitCaller } from './participant.js';
import { createInVisit } from './resources.js';

async function lockedAs(q: Parameters<typeof lockVisit>[0], c: VisitCaller, visitId: string) {
  const v = await lockVisit(q, c.tenantId, visitId);
  if (!v) throw visitNotFound();
  return { v, as: await participantKind(q, c, v) };
}

/**
 * Only the clinician admits: the booked one, or for an on-demand visit any clinician of its service
 * line, who then becomes its clinician. The visit starts in video unless the patient's device test
 * said audio only.
 */
export async function admit(s: VisitServices, c: VisitCaller, visitId: string): Promise<VisitRow> {
  const admitted = await s.db.transaction(c.tenantId, async (q) => {
    const { v, as } = await lockedAs(q, c, visitId);
    if (as !== 'clinician' || !c.practitionerId) throw forbidden('Only the clinician admits a patient');
    const modality: VisitModality = v.deviceCheck?.verdict === 'audio-only' ? 'audio' : 'video';
    return recordVisitEvent(
      s,
      q,
      c.tenantId,
      v,
      { type: 'admit', modality, by: `Practitioner/${c.practitionerId}` },
      { practitionerId: v.practitionerId ?? c.practitionerId },
    );
  });
  if (admitted.arrivedAt !== null && admitted.admittedAt !== null)
    s.metrics.waited((admitted.admittedAt - admitted.arrivedAt) / 1000);
  return admitted;
}

/**
 * The clinician ends the visit: the Encounter is finished with its length, the Appointment
 * fulfilled, and the next steps are sent to the patient as a Communication.
 */
export async function endVisit(
  s: VisitServices,
  c: VisitCaller,
  visitId: string,
  nextSteps: string | undefined,
): Promise<VisitRow> {
  if (nextSteps !== undefined && (typeof nextSteps !== 'string' || nextSteps.length > 4000))
    throw new FhirError(400, {
      severity: 'error',
      code: 'invalid',
      diagnostics: 'Next steps are text of at most 4,000 characters',
    });
  const ended = await s.db.transaction(c.tenantId, async (q) => {
    const { v, as } = await lockedAs(q, c, visitId);
    if (as !== 'clinician') throw forbidden('Only the clinician ends a visit');
    const nextStepsId = nextSteps?.trim()
      ? await createInVisit(s, q, c.tenantId, {
          resourceType: 'Communication',
          status: 'completed',
          category: [{ coding: [{ system: 'urn:openvisit:communication-category', code: 'next-steps' }] }],
          subject: { reference: `Patient/${v.patientId}` },
          encounter: { reference: `Encounter/${v.id}` },
          sent: new Date(s.now()).toISOString(),
          sender: { reference: `Practitioner/${c.practitionerId ?? v.practitionerId}` },
          recipient: [{ reference: `Patient/${v.patientId}` }],
          payload: [{ contentString: nextSteps.trim() }],
        })
      : null;
    if (v.appointmentId)
      await markAttendance(s.scheduling, q, c.tenantId, { appointmentId: v.appointmentId }, 'fulfilled');
    return recordVisitEvent(s, q, c.tenantId, v, { type: 'end' }, { nextStepsId });
  });
  if (ended.admittedAt !== null && ended.endedAt !== null)
    s.metrics.finished((ended.endedAt - ended.admittedAt) / 1000);
  return ended;
}

/** A participant switches the visit's modality (video ↔ audio only, or the phone bridge), time-stamped. */
export async function changeModality(
  s: VisitServices,
  tenantId: number,
  visitId: string,
  modality: VisitModality,
  trigger: 'user' | 'automatic',
): Promise<VisitRow | null> {
  const changed = await s.db.transaction(tenantId, async (q) => {
    const v = await lockVisit(q, tenantId, visitId);
    if (!v || v.status !== 'in-progress') return null;
    const current = v.state.modalityHistory.at(-1)?.modality;
    if (current === modality) return v;
    return recordVisitEvent(s, q, tenantId, v, { type: 'modality-change', modality });
  });
  if (changed) s.metrics.modalitySwitch(modality, trigger);
  return changed;
}

/** A chat message in the visit, kept as a Communication of its Encounter. */
export async function recordChat(
  s: VisitServices,
  tenantId: number,
  v: Pick<VisitRow, 'id' | 'patientId'>,
  sender: string,
  text: string,
): Promise<{ id: string; sent: string }> {
  const sent = new Date(s.now()).toISOString();
  const id = await s.db.transaction(tenantId, (q) =>
    createInVisit(s, q, tenantId, {
      resourceType: 'Communication',
      status: 'completed',
      category: [{ coding: [{ system: 'urn:openvisit:communication-category', code: 'visit-chat' }] }],
      subject: { reference: `Patient/${v.patientId}` },
      encounter: { reference: `Encounter/${v.id}` },
      sent,
      ...(sender ? { sender: { reference: sender } } : {}),
      payload: [{ contentString: text }],
    }),
  );
  return { id, sent };
}

/**
 * Cancels a visit not yet admitted. The clinician cancels any (a booked one with its Appointment,
 * as the clinic); a patient leaves an on-demand queue (a booked appointment is cancelled through
 * scheduling, under the tenant's notice rules).
 */
export async function cancelVisit(
  s: VisitServices,
  c: VisitCaller,
  visitId: string,
  reason: string | undefined,
): Promise<VisitRow> {
  return s.db.transaction(c.tenantId, async (q) => {
    const { v, as } = await lockedAs(q, c, visitId);
    if (as === 'patient' && v.appointmentId)
      throw forbidden('A booked visit is cancelled from its appointment');
    if (v.appointmentId)
      await cancelInTransaction(
        s.scheduling,
        q,
        c.tenantId,
        { appointmentId: v.appointmentId, by: 'staff', ...(reason ? { reason } : {}) },
        s.now(),
      );
    const text =
      reason?.trim().slice(0, 500) || (as === 'patient' ? 'The patient left the queue' : undefined);
    return recordVisitEvent(s, q, c.tenantId, v, { type: 'cancel', ...(text ? { text } : {}) });
  });
}
