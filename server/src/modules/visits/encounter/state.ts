/**
 * A virtual visit's lifecycle, as plain JSON. Times are epoch milliseconds supplied by the caller
 * (never read from a clock), so the same events always give the same state.
 */

/** FHIR R4 Encounter.status values a visit uses (`triaged` and `onleave` have no meaning here). */
export type VisitStatus =
  'planned' | 'arrived' | 'in-progress' | 'finished' | 'cancelled' | 'entered-in-error';

/** The modality actually used: browser video, browser audio only, or the phone bridge. */
export type VisitModality = 'video' | 'audio' | 'phone';
export const VISIT_MODALITIES: readonly VisitModality[] = ['video', 'audio', 'phone'];

/** Who takes part besides the patient (the patient is Encounter.subject, never a participant in R4). */
export type ParticipantRole =
  'primary-clinician' | 'secondary-clinician' | 'consultant' | 'interpreter' | 'caregiver';

/**
 * Encounter.participant.individual allows Practitioner, PractitionerRole or RelatedPerson in R4. A
 * guest who came by an invitation link has no record: `Guest/<invite id>` names them here, and the
 * Encounter records them by type and period only.
 */
export type ParticipantReference =
  `${'Practitioner' | 'PractitionerRole' | 'RelatedPerson' | 'Guest'}/${string}`;

export interface VisitParticipant {
  role: ParticipantRole;
  reference: ParticipantReference;
  /** When they joined; absent for the primary clinician before admission. */
  start?: number;
  end?: number;
}

export interface StatusEntry {
  status: VisitStatus;
  start: number;
  /** Absent on the current (last) entry. */
  end?: number;
}

export interface ModalityEntry {
  modality: VisitModality;
  start: number;
  end?: number;
}

export type CancelReason = 'no-show' | 'cancelled';

export interface VisitState {
  visitId: string;
  /** The booked Appointment; absent for an on-demand visit from a service line's queue. */
  appointmentId?: string;
  patientId: string;
  /** The appointment's service line, recorded as Encounter.serviceType. */
  serviceLine?: string;
  status: VisitStatus;
  /** Every status the visit has had, oldest first; each entry ends where the next starts. */
  statusHistory: StatusEntry[];
  /** Every modality used while in progress, oldest first; each entry ends where the next starts. */
  modalityHistory: ModalityEntry[];
  participants: VisitParticipant[];
  cancel?: { reason: CancelReason; text?: string };
  /** The time of the last accepted event: events must not go back in time. */
  lastEventAt: number;
}

export interface NewVisit {
  visitId: string;
  appointmentId?: string;
  patientId: string;
  serviceLine?: string;
  /**
   * The clinician the appointment is booked with: the primary performer. Absent for an on-demand
   * visit, whose primary clinician is whoever admits it.
   */
  practitionerId?: string;
}

/** A booked visit (`planned`), created at `at`. */
export function plannedVisit(v: NewVisit, at: number): VisitState {
  if (!Number.isFinite(at)) throw new TypeError('Visit time must be a finite epoch millisecond value');
  return {
    visitId: v.visitId,
    ...(v.appointmentId ? { appointmentId: v.appointmentId } : {}),
    patientId: v.patientId,
    ...(v.serviceLine ? { serviceLine: v.serviceLine } : {}),
    status: 'planned',
    statusHistory: [{ status: 'planned', start: at }],
    modalityHistory: [],
    participants: v.practitionerId
      ? [{ role: 'primary-clinician', reference: `Practitioner/${v.practitionerId}` }]
      : [],
    lastEventAt: at,
  };
}

/** Milliseconds spent `in-progress` (waiting in `arrived` excluded); an open entry counts up to `until`. */
export function inProgressMs(state: VisitState, until?: number): number {
  let total = 0;
  for (const e of state.statusHistory) {
    if (e.status !== 'in-progress') continue;
    const end = e.end ?? until;
    if (end !== undefined) total += end - e.start;
  }
  return total;
}
