import { schedulingPolicy } from '../config/policy.js';
import { emit } from '../events.js';
import { offerFreedTime } from '../waitlist/offer.js';
import { lockBooking, type BookingRow } from './booking-row.js';
import { refused, notFound } from './errors.js';
import { releaseLoad } from './load.js';
import { recordStatus } from './record.js';
import { cancelSeat, cancelSessionSeats, findSeat } from './seat-cancel.js';
import type { Queryable } from '../../../platform/db/pool.js';
import type { BookingServices } from './services.js';

export interface ChangeRequest {
  bookingId?: string;
  appointmentId?: string;
  reason?: string;
  /** A patient (or their caregiver) changes only their own bookings, within the tenant's notice. */
  by: { patientId: string } | 'staff';
}

/** The booking a change names, checked against who asks and the tenant's notice for patients. */
export async function changeable(
  s: BookingServices,
  q: Parameters<typeof lockBooking>[0],
  tenantId: number,
  req: ChangeRequest,
  now: number,
  /** Cancelling: the clinic may still cancel a visit whose patient has checked in (and waits). */
  opts: { staffMayCancelCheckedIn?: boolean } = {},
): Promise<BookingRow> {
  const b = await lockBooking(q, tenantId, req);
  if (req.by !== 'staff' && b.patientId !== req.by.patientId) throw notFound('Appointment');
  const open =
    b.status === 'booked' ||
    (opts.staffMayCancelCheckedIn === true && req.by === 'staff' && b.status === 'checked-in');
  if (!open) throw refused(`The appointment is ${b.status} and can no longer be changed`, 409);
  if (req.by !== 'staff') {
    const policy = await schedulingPolicy(q, tenantId);
    if (b.start - now < policy.patientChangeMinNoticeMin * 60_000)
      throw refused('It is too late to change this appointment online; please call the clinic');
  }
  return b;
}

/**
 * Cancels a booking: the time is freed (the exclusion constraint no longer counts it), the caps
 * given back, the Appointment cancelled with its reason, and the time offered to the next
 * matching waitlisted patient — all in one transaction. A group session's seats are cancelled with
 * it; a seat alone is given back to its session (seat-cancel.ts).
 */
export async function cancelBooking(
  s: BookingServices,
  tenantId: number,
  req: ChangeRequest,
): Promise<BookingRow> {
  const now = s.now();
  return s.db.transaction(tenantId, (q) => cancelInTransaction(s, q, tenantId, req, now));
}

/** `cancelBooking` in the caller's transaction (a video visit cancelled with its Appointment). */
export async function cancelInTransaction(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  req: ChangeRequest,
  now: number,
): Promise<BookingRow> {
  // A seat in a group session has an Appointment of its own but no booking of the clinician's time.
  const seat = await findSeat(q, tenantId, req);
  if (seat) return cancelSeat(s, q, tenantId, req, seat, now);
  const b = await changeable(s, q, tenantId, req, now, { staffMayCancelCheckedIn: true });
  const reason =
    (req.reason ?? '').slice(0, 500) ||
    (req.by === 'staff' ? 'Cancelled by the clinic' : 'Cancelled by the patient');
  await q.query(
    `UPDATE sched_booking SET status = 'cancelled', cancel_reason = $3, version = version + 1, updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, b.id, reason],
  );
  const [clinician] = await s.config.clinicians(q, tenantId, { practitionerIds: [b.practitionerId] });
  if (clinician) await releaseLoad(q, tenantId, clinician, b.localDate, b.localWeek);
  await recordStatus(s, q, tenantId, b, 'cancelled', reason);
  const vt = await s.config.visitType(q, tenantId, b.visitTypeId);
  await emit(q, tenantId, 'appointment.cancelled', {
    bookingId: b.id,
    appointmentId: b.appointmentId,
    status: 'cancelled',
    visitTypeId: b.visitTypeId,
    start: new Date(b.start).toISOString(),
  });
  if (b.patientId)
    await s.notices?.bookingChanged(q, tenantId, {
      bookingId: b.id,
      patientId: b.patientId,
      kind: 'cancelled',
      version: b.version + 1,
      startsAt: new Date(b.start),
    });
  if (b.kind === 'group') await cancelSessionSeats(s, q, tenantId, b, b.version + 1, reason);
  s.counters?.count('cancelled', vt?.serviceLine ?? 'unknown');
  await offerFreedTime(s, q, tenantId, b, now);
  return { ...b, status: 'cancelled', version: b.version + 1 };
}
