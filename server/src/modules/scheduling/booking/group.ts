import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { createResource, updateResource } from '../../../fhir/interactions/write.js';
import { newId } from '../../../fhir/storage/resource-store.js';
import type { Queryable } from '../../../platform/db/pool.js';
import type { VisitType } from '../availability/types.js';
import { emit } from '../events.js';
import { appointmentResource } from './appointment-resource.js';
import { freeAt } from './book.js';
import { lockBooking, type BookingRow } from './booking-row.js';
import { blockedRange } from './engine.js';
import { isOverlap, notFound, refused, SlotTaken } from './errors.js';
import { localDayAndWeek } from './local-day.js';
import type { BookingServices } from './services.js';

/**
 * A group session: one booking of the clinician's time (kind 'group', under the same exclusion
 * constraint as any visit) with a seat limit; each patient's seat has its own Appointment.
 */
export async function createGroupSession(
  s: BookingServices,
  tenantId: number,
  req: { visitTypeId: string; practitionerId: string; start: number; bookedBy: string },
): Promise<{ sessionId: string; appointmentId: string }> {
  const now = s.now();
  try {
    return await s.db.transaction(tenantId, async (q) => {
      const vt = await s.config.visitType(q, tenantId, req.visitTypeId);
      if (!vt) throw notFound('Visit type');
      if (vt.groupCapacity <= 1) throw refused('This visit type is not a group visit');
      const pool = await s.config.clinicians(q, tenantId, {
        serviceLine: vt.serviceLine,
        practitionerIds: [req.practitionerId],
      });
      const clinician = pool[0];
      if (!clinician) throw notFound('Clinician');
      await freeAt(q, tenantId, vt, pool, { ...req, patientId: '', booker: 'front-desk' }, now);
      const sessionId = crypto.randomUUID();
      const appointmentId = newId();
      const end = req.start + vt.durationMin * 60_000;
      const blocked = blockedRange(vt, req.start);
      const { day, week } = localDayAndWeek(req.start, clinician.timeZone);
      const modality = vt.modalities[0] ?? 'video';
      await q.query(
        `INSERT INTO sched_booking (tenant_id, id, kind, practitioner_id, visit_type_id, modality, starts_at, ends_at,
           blocked, status, capacity, appointment_id, local_date, local_week, booked_by)
         VALUES ($1, $2, 'group', $3, $4, $5, $6, $7, tstzrange($8, $9), 'booked', $10, $11, $12, $13, $14)`,
        [
          tenantId,
          sessionId,
          req.practitionerId,
          vt.id,
          modality,
          new Date(req.start),
          new Date(end),
          new Date(blocked.start),
          new Date(blocked.end),
          vt.groupCapacity,
          appointmentId,
          day,
          week,
          req.bookedBy,
        ],
      );
      await createResource(
        s.fhir,
        { tenantId, access: OPEN_ACCESS, q },
        'Appointment',
        sessionAppointment(sessionId, vt, req.practitionerId, req.start, end, now, 0),
        undefined,
        appointmentId,
      );
      await emit(q, tenantId, 'appointment.booked', {
        bookingId: sessionId,
        appointmentId,
        status: 'booked',
        visitTypeId: vt.id,
        serviceLine: vt.serviceLine,
        start: new Date(req.start).toISOString(),
        group: true,
      });
      return { sessionId, appointmentId };
    });
  } catch (err) {
    if (isOverlap(err)) throw new SlotTaken();
    throw err;
  }
}

/** Writes a session's new seat count to its own Appointment. */
export async function recordSeats(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  session: BookingRow,
  vt: VisitType,
  now: number,
  taken: number,
): Promise<void> {
  if (!session.appointmentId) return;
  await updateResource(s.fhir, { tenantId, access: OPEN_ACCESS, q }, 'Appointment', session.appointmentId, {
    ...sessionAppointment(session.id, vt, session.practitionerId, session.start, session.end, now, taken),
    id: session.appointmentId,
  });
}

/** A session's own Appointment (no patient), with its seat count. */
export function sessionAppointment(
  sessionId: string,
  vt: VisitType,
  practitionerId: string,
  start: number,
  end: number,
  created: number,
  taken: number,
) {
  return appointmentResource({
    bookingId: sessionId,
    status: 'booked',
    visitType: vt,
    modality: vt.modalities[0] ?? 'video',
    practitionerId,
    start,
    end,
    created,
    seats: { capacity: vt.groupCapacity, taken },
  });
}

export async function lockSession(q: Queryable, tenantId: number, sessionId: string): Promise<BookingRow> {
  const session = await lockBooking(q, tenantId, { bookingId: sessionId });
  if (session.kind !== 'group') throw notFound('Group session');
  return session;
}

/**
 * A patient takes a seat: the session's seat count rises only while below its capacity (one
 * conditional UPDATE under the session's row lock), so a full session answers 409 however many ask
 * at once; a patient holds at most one seat of a session.
 */
export async function bookSeat(
  s: BookingServices,
  tenantId: number,
  req: { sessionId: string; patientId: string; bookedBy: string },
): Promise<{ seatId: string; appointmentId: string }> {
  const now = s.now();
  return s.db.transaction(tenantId, async (q) => {
    const session = await lockSession(q, tenantId, req.sessionId);
    if (session.status !== 'booked') throw refused(`The session is ${session.status}`, 409);
    if (session.start <= now) throw refused('The session has started', 409);
    const taken = await q.query<{ seats_taken: number }>(
      `UPDATE sched_booking SET seats_taken = seats_taken + 1, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND seats_taken < capacity RETURNING seats_taken`,
      [tenantId, session.id],
    );
    if (taken.rowCount === 0) throw new SlotTaken();
    const seatId = crypto.randomUUID();
    const appointmentId = newId();
    try {
      await q.query('SAVEPOINT seat');
      await q.query(
        `INSERT INTO sched_seat (tenant_id, id, booking_id, patient_id, status, appointment_id)
         VALUES ($1, $2, $3, $4, 'booked', $5)`,
        [tenantId, seatId, session.id, req.patientId, appointmentId],
      );
    } catch (err) {
      await q.query('ROLLBACK TO SAVEPOINT seat');
      if ((err as { code?: string }).code === '23505')
        throw refused('You already have a seat in this session', 409);
      throw err;
    }
    const vt = await s.config.visitType(q, tenantId, session.visitTypeId);
    if (!vt) throw notFound('Visit type');
    const scope = { tenantId, access: OPEN_ACCESS, q };
    await createResource(
      s.fhir,
      scope,
      'Appointment',
      appointmentResource({
        bookingId: seatId,
        status: 'booked',
        visitType: vt,
        modality: session.modality,
        practitionerId: session.practitionerId,
        patientId: req.patientId,
        start: session.start,
        end: session.end,
        created: now,
      }),
      undefined,
      appointmentId,
    );
    await recordSeats(s, q, tenantId, session, vt, now, taken.rows[0]?.seats_taken ?? 0);
    await emit(q, tenantId, 'appointment.booked', {
      bookingId: seatId,
      appointmentId,
      status: 'booked',
      visitTypeId: vt.id,
      serviceLine: vt.serviceLine,
      start: new Date(session.start).toISOString(),
      session: session.id,
    });
    // The seat is the patient's appointment: its notices are keyed by the seat (each seat holder is
    // told, and a seat's cancellation retires only its own reminders). The seat carries the session's
    // version, so the session's own changes move every seat's calendar SEQUENCE on.
    await s.notices?.bookingChanged(q, tenantId, {
      bookingId: seatId,
      patientId: req.patientId,
      kind: 'confirmation',
      version: session.version,
      startsAt: new Date(session.start),
    });
    s.counters?.count('booked', vt.serviceLine);
    return { seatId, appointmentId };
  });
}

/** Seats of a session with room left, for the patient's booking page. */
export async function openSessions(
  q: Queryable,
  tenantId: number,
  visitTypeId: string,
  from: number,
  to: number,
): Promise<{ sessionId: string; practitionerId: string; start: number; end: number; seatsLeft: number }[]> {
  const res = await q.query<{
    id: string;
    practitioner_id: string;
    starts_at: Date;
    ends_at: Date;
    left: number;
  }>(
    `SELECT id, practitioner_id, starts_at, ends_at, capacity - seats_taken AS left FROM sched_booking
      WHERE tenant_id = $1 AND kind = 'group' AND status = 'booked' AND visit_type_id = $2
        AND starts_at >= $3 AND starts_at < $4 AND seats_taken < capacity
      ORDER BY starts_at`,
    [tenantId, visitTypeId, new Date(from), new Date(to)],
  );
  return res.rows.map((r) => ({
    sessionId: r.id,
    practitionerId: r.practitioner_id,
    start: r.starts_at.getTime(),
    end: r.ends_at.getTime(),
    seatsLeft: r.left,
  }));
}
