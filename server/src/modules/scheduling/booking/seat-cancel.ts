import type { Queryable } from '../../../platform/db/pool.js';
import { schedulingPolicy } from '../config/policy.js';
import { emit } from '../events.js';
import type { BookingRow } from './booking-row.js';
import type { ChangeRequest } from './cancel.js';
import { notFound, refused } from './errors.js';
import { lockSession, recordSeats } from './group.js';
import { recordStatus } from './record.js';
import type { BookingServices } from './services.js';

/** A patient's seat in a group session. */
export interface SeatRow {
  id: string;
  sessionId: string;
  patientId: string;
  status: 'booked' | 'checked-in' | 'fulfilled' | 'cancelled' | 'noshow';
  appointmentId: string | null;
}

type Raw = {
  id: string;
  booking_id: string;
  patient_id: string;
  status: SeatRow['status'];
  appointment_id: string | null;
};

const fromRaw = (r: Raw): SeatRow => ({
  id: r.id,
  sessionId: r.booking_id,
  patientId: r.patient_id,
  status: r.status,
  appointmentId: r.appointment_id,
});

/**
 * The seat a change names (by the seat's id or its Appointment's id), or undefined when it names
 * none: then it is a booking of its own. Not locked: the caller locks the session first, then the
 * seat (the order bookSeat takes them in).
 */
export async function findSeat(
  q: Queryable,
  tenantId: number,
  ref: { bookingId?: string; appointmentId?: string },
): Promise<SeatRow | undefined> {
  const res = ref.bookingId
    ? await q.query<Raw>(
        `SELECT id, booking_id, patient_id, status, appointment_id FROM sched_seat WHERE tenant_id = $1 AND id = $2`,
        [tenantId, ref.bookingId],
      )
    : await q.query<Raw>(
        `SELECT id, booking_id, patient_id, status, appointment_id FROM sched_seat
          WHERE tenant_id = $1 AND appointment_id = $2`,
        [tenantId, ref.appointmentId ?? ''],
      );
  const row = res.rows[0];
  return row ? fromRaw(row) : undefined;
}

/** The seat as a booking of the session's time, for the Appointment and the notices. */
function seatBooking(session: BookingRow, seat: SeatRow): BookingRow {
  return { ...session, id: seat.id, patientId: seat.patientId, appointmentId: seat.appointmentId };
}

/**
 * Cancels one seat, in the caller's transaction: the seat is given back to the session, its
 * Appointment cancelled with the reason, the change emitted, and the patient told (pending
 * reminders of the seat withdrawn, a cancellation enqueued). A patient cancels only their own seat,
 * within the tenant's notice. The clinician's time stays booked: the session goes on.
 */
export async function cancelSeat(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  req: ChangeRequest,
  found: SeatRow,
  now: number,
): Promise<BookingRow> {
  const session = await lockSession(q, tenantId, found.sessionId);
  const locked = await q.query<Raw>(
    `SELECT id, booking_id, patient_id, status, appointment_id FROM sched_seat
      WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
    [tenantId, found.id],
  );
  const row = locked.rows[0];
  if (!row) throw notFound('Appointment');
  const seat = fromRaw(row);
  if (req.by !== 'staff' && seat.patientId !== req.by.patientId) throw notFound('Appointment');
  if (seat.status !== 'booked')
    throw refused(`The appointment is ${seat.status} and can no longer be changed`, 409);
  if (req.by !== 'staff') {
    const policy = await schedulingPolicy(q, tenantId);
    if (session.start - now < policy.patientChangeMinNoticeMin * 60_000)
      throw refused('It is too late to change this appointment online; please call the clinic');
  }
  const reason =
    (req.reason ?? '').slice(0, 500) ||
    (req.by === 'staff' ? 'Cancelled by the clinic' : 'Cancelled by the patient');
  await q.query(
    `UPDATE sched_seat SET status = 'cancelled', updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, seat.id],
  );
  const taken = await q.query<{ seats_taken: number }>(
    `UPDATE sched_booking SET seats_taken = seats_taken - 1, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 AND seats_taken > 0 RETURNING seats_taken`,
    [tenantId, session.id],
  );
  const booking = seatBooking(session, seat);
  await recordStatus(s, q, tenantId, booking, 'cancelled', reason);
  const vt = await s.config.visitType(q, tenantId, session.visitTypeId);
  if (vt && session.status === 'booked')
    await recordSeats(s, q, tenantId, session, vt, now, taken.rows[0]?.seats_taken ?? 0);
  // The seat's version is the session's while it is booked, one more once it is cancelled.
  const version = session.version + 1;
  await tellCancelled(s, q, tenantId, session, seat, version);
  s.counters?.count('cancelled', vt?.serviceLine ?? 'unknown');
  return { ...booking, status: 'cancelled', version };
}

/**
 * The session itself is cancelled (in the caller's transaction, `version` its new version): every
 * booked seat is cancelled with it, its Appointment too, and its patient told.
 */
export async function cancelSessionSeats(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  session: BookingRow,
  version: number,
  reason: string,
): Promise<void> {
  const res = await q.query<Raw>(
    `UPDATE sched_seat SET status = 'cancelled', updated_at = now()
      WHERE tenant_id = $1 AND booking_id = $2 AND status = 'booked'
     RETURNING id, booking_id, patient_id, status, appointment_id`,
    [tenantId, session.id],
  );
  const vt = await s.config.visitType(q, tenantId, session.visitTypeId);
  for (const seat of res.rows.map(fromRaw)) {
    await recordStatus(s, q, tenantId, seatBooking(session, seat), 'cancelled', reason);
    await tellCancelled(s, q, tenantId, session, seat, version);
    s.counters?.count('cancelled', vt?.serviceLine ?? 'unknown');
  }
}

/** The outbox event and the patient's notice of a cancelled seat. */
async function tellCancelled(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  session: BookingRow,
  seat: SeatRow,
  version: number,
): Promise<void> {
  await emit(q, tenantId, 'appointment.cancelled', {
    bookingId: seat.id,
    appointmentId: seat.appointmentId,
    status: 'cancelled',
    visitTypeId: session.visitTypeId,
    start: new Date(session.start).toISOString(),
    session: session.id,
  });
  await s.notices?.bookingChanged(q, tenantId, {
    bookingId: seat.id,
    patientId: seat.patientId,
    kind: 'cancelled',
    version,
    startsAt: new Date(session.start),
  });
}
