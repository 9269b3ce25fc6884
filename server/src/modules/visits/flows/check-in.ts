import { FhirError, type IssueCode } from '../../../platform/http/operation-outcome.js';
import { markAttendance } from '../../scheduling/booking/attendance.js';
import {
  intakeQuestionnaire,
  intakeResponse,
  checkinHttpError,
  parseDeviceCheck,
  assessDeviceCheck,
  telehealthConsent,
  type IntakeAnswers,
} from '../checkin/index.js';
import type { VisitServices } from '../services.js';
import { recordVisitEvent } from '../store/record.js';
import { lockVisit, readVisit, type VisitRow } from '../store/visit-row.js';
import { CHECK_IN_OPENS_MS } from './open.js';
import { participantKind, visitNotFound, type VisitCaller } from './participant.js';
import { createInVisit, ensureDefinition, readJson } from './resources.js';

/** After this long past the start, a booked visit can no longer be checked in to (it is a no-show). */
export const CHECK_IN_CLOSES_MS = 30 * 60_000;

export interface CheckInInput {
  /** Confirms identity against the record: the patient's date of birth. */
  birthDate: string;
  answers: IntakeAnswers;
  /** The telehealth consent was read and agreed to. */
  consent: boolean;
  deviceCheck: unknown;
}

function invalid(diagnostics: string, code: IssueCode = 'invalid', status = 422): FhirError {
  return new FhirError(status, { severity: 'error', code, diagnostics });
}

/** The intake questionnaire a visit asks (by its visit type), stored so others can read it. */
export async function intakeFor(s: VisitServices, tenantId: number, v: VisitRow) {
  return s.db.withTenant(tenantId, async (q) => {
    const vt = v.visitTypeId ? await s.scheduling.config.visitType(q, tenantId, v.visitTypeId) : null;
    return intakeQuestionnaire({
      id: vt?.id ?? v.visitTypeId ?? 'visit',
      name: vt?.name ?? 'Video visit',
      serviceLine: v.serviceLine,
    });
  });
}

/**
 * Check-in: the patient (or their caregiver) confirms identity, answers the intake, agrees to the
 * telehealth consent and reports the device test; the visit then waits (`arrived`) and the booked
 * Appointment is `checked-in`. All of it is written in one transaction, or nothing is.
 */
export async function checkIn(
  s: VisitServices,
  c: VisitCaller,
  visitId: string,
  input: CheckInInput,
): Promise<VisitRow> {
  if (input.consent !== true)
    throw invalid('The telehealth consent must be agreed to before the visit', 'required');
  if (typeof input.birthDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input.birthDate))
    throw invalid('The date of birth must be given as YYYY-MM-DD', 'invalid', 400);
  let device;
  try {
    device = parseDeviceCheck(input.deviceCheck);
  } catch (err) {
    throw checkinHttpError(err);
  }
  const now = s.now();
  const planned = await s.db.withTenant(c.tenantId, (q) => readVisit(q, c.tenantId, visitId));
  if (!planned) throw visitNotFound();
  const questionnaire = await intakeFor(s, c.tenantId, planned);
  return s.db.transaction(c.tenantId, async (q) => {
    const v = await lockVisit(q, c.tenantId, visitId);
    if (!v) throw visitNotFound();
    if ((await participantKind(q, c, v)) !== 'patient') throw visitNotFound();
    if (v.status !== 'planned')
      throw invalid(
        `The visit is ${v.status}: check-in is already done or no longer possible`,
        'business-rule',
        409,
      );
    if (v.startsAt !== null && now < v.startsAt - CHECK_IN_OPENS_MS)
      throw invalid('Check-in opens 15 minutes before the appointment', 'business-rule', 409);
    if (v.startsAt !== null && now > v.startsAt + CHECK_IN_CLOSES_MS)
      throw invalid('Check-in for this appointment has closed; please book again', 'business-rule', 409);
    const patient = await readJson<{ birthDate?: string }>(s, q, c.tenantId, 'Patient', v.patientId);
    if (!patient?.birthDate || patient.birthDate !== input.birthDate)
      throw invalid('The date of birth does not match our records', 'business-rule');
    await ensureDefinition(s, q, c.tenantId, questionnaire);
    const author = c.fhirUser?.startsWith('RelatedPerson/') ? c.fhirUser : `Patient/${v.patientId}`;
    let response;
    try {
      response = intakeResponse(questionnaire, input.answers, {
        patientId: v.patientId,
        encounterId: v.id,
        authored: now,
        author,
      });
    } catch (err) {
      throw checkinHttpError(err);
    }
    const intakeResponseId = await createInVisit(s, q, c.tenantId, response);
    const consentId = await createInVisit(
      s,
      q,
      c.tenantId,
      telehealthConsent({ patientId: v.patientId, at: now }),
    );
    if (v.appointmentId)
      await markAttendance(s.scheduling, q, c.tenantId, { appointmentId: v.appointmentId }, 'checked-in');
    return recordVisitEvent(
      s,
      q,
      c.tenantId,
      v,
      { type: 'check-in' },
      {
        intakeResponseId,
        consentId,
        deviceCheck: { ...device, verdict: assessDeviceCheck(device).verdict },
      },
    );
  });
}
