import type { Modality, VisitType } from '../availability/types.js';

export const BOOKING_SYSTEM = 'urn:openvisit:booking';
export const VISIT_TYPE_SYSTEM = 'urn:openvisit:visit-type';
export const SERVICE_LINE_SYSTEM = 'urn:openvisit:service-line';
export const MODALITY_EXTENSION = 'urn:openvisit:modality';
/** A group session's seats: sub-extensions `capacity` and `taken` (valueUnsignedInt). */
export const SEATS_EXTENSION = 'urn:openvisit:group-seats';

export interface AppointmentFacts {
  bookingId: string;
  status: 'booked' | 'cancelled' | 'noshow' | 'fulfilled' | 'checked-in' | 'waitlist' | 'proposed';
  visitType: VisitType;
  modality: Modality;
  practitionerId: string;
  /** Absent for a group session's own record. */
  patientId?: string;
  start: number;
  end: number;
  created: number;
  cancelationReason?: string;
  /** The seat count of a group session. */
  seats?: { capacity: number; taken: number };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The FHIR Appointment a booking is recorded as: what other systems and the portal read. */
export function appointmentResource(f: AppointmentFacts): Record<string, unknown> & { resourceType: string } {
  const participant: Record<string, unknown>[] = [
    { actor: { reference: `Practitioner/${f.practitionerId}` }, required: 'required', status: 'accepted' },
  ];
  if (f.patientId)
    participant.unshift({
      actor: { reference: `Patient/${f.patientId}` },
      required: 'required',
      status: 'accepted',
    });
  return {
    resourceType: 'Appointment',
    identifier: [{ system: BOOKING_SYSTEM, value: f.bookingId }],
    status: f.status,
    ...(f.cancelationReason ? { cancelationReason: { text: f.cancelationReason } } : {}),
    serviceCategory: [{ coding: [{ system: SERVICE_LINE_SYSTEM, code: f.visitType.serviceLine }] }],
    appointmentType: {
      coding: [{ system: VISIT_TYPE_SYSTEM, code: f.visitType.id, display: f.visitType.name }],
      text: f.visitType.name,
    },
    extension: [
      { url: MODALITY_EXTENSION, valueCode: f.modality },
      ...(f.seats
        ? [
            {
              url: SEATS_EXTENSION,
              extension: [
                { url: 'capacity', valueUnsignedInt: f.seats.capacity },
                { url: 'taken', valueUnsignedInt: f.seats.taken },
              ],
            },
          ]
        : []),
    ],
    start: iso(f.start),
    end: iso(f.end),
    minutesDuration: Math.round((f.end - f.start) / 60_000),
    created: iso(f.created).slice(0, 10),
    ...(f.seats ? { comment: `Group session: ${f.seats.taken} of ${f.seats.capacity} seats taken` } : {}),
    participant,
  };
}
