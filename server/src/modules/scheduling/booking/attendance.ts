import { schedulingPolicy } from '../config/policy.js';
import { emit } from '../events.js';
import { lockBooking, type BookingRow } from './booking-row.js';
import { refused } from './errors.js';
import { recordStatus } from './record.js';
import type { BookingServices } from './services.js';

/** The patient has arrived (checked in): a visit that is checked in is never marked a no-show. */
export async function checkInBooking(s: BookingServices, tenantId: number, ref: { appointmentId: string }) {
  return s.db.transaction(tenantId, (q) => markAttendance(s, q, tenantId, ref, 'checked-in'));
}

/**
 * In the caller's transaction: the patient checked in (`checked-in`), or was seen (`fulfilled`, from
 * booked or checked in). Repeating a step already taken changes nothing.
 */
export async function markAttendance(
  s: BookingServices,
  q: Parameters<typeof lockBooking>[0],
  tenantId: number,
  ref: { appointmentId: string },
  status: 'checked-in' | 'fulfilled',
): Promise<BookingRow> {
  const b = await lockBooking(q, tenantId, ref);
  if (b.status === status) return b;
  const from: readonly BookingRow['status'][] =
    status === 'checked-in' ? ['booked'] : ['booked', 'checked-in'];
  if (!from.includes(b.status)) throw refused(`The appointment is ${b.status}`, 409);
  await setStatus(q, tenantId, b.id, status);
  await recordStatus(s, q, tenantId, b, status);
  return { ...b, status };
}

async function setStatus(
  q: Parameters<typeof lockBooking>[0],
  tenantId: number,
  id: string,
  status: BookingRow['status'],
) {
  await q.query(
    `UPDATE sched_booking SET status = $3, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, status],
  );
}

async function noShow(
  s: BookingServices,
  q: Parameters<typeof lockBooking>[0],
  tenantId: number,
  b: BookingRow,
  by: string,
) {
  await setStatus(q, tenantId, b.id, 'noshow');
  await recordStatus(s, q, tenantId, b, 'noshow');
  await emit(q, tenantId, 'appointment.noshow', {
    bookingId: b.id,
    appointmentId: b.appointmentId,
    status: 'noshow',
    visitTypeId: b.visitTypeId,
    start: new Date(b.start).toISOString(),
    by,
  });
  const vt = await s.config.visitType(q, tenantId, b.visitTypeId);
  s.counters?.count('noshow', vt?.serviceLine ?? 'unknown');
}

/** Staff mark a booked visit a no-show (after its start). */
export async function markNoShow(s: BookingServices, tenantId: number, ref: { appointmentId: string }) {
  const now = s.now();
  return s.db.transaction(tenantId, async (q) => {
    const b = await lockBooking(q, tenantId, ref);
    if (b.status !== 'booked') throw refused(`The appointment is ${b.status}`, 409);
    if (b.start > now) throw refused('A visit can be marked a no-show only after it was due to start');
    await noShow(s, q, tenantId, b, 'staff');
    return { ...b, status: 'noshow' as const };
  });
}

/**
 * The automatic sweep: every booked visit whose start is longer ago than the tenant's grace without
 * a check-in becomes a no-show; one booking per transaction, claimed with SKIP LOCKED, so sweeps on
 * several nodes share the work and never mark one twice.
 */
export async function sweepNoShows(s: BookingServices, tenantId: number): Promise<number> {
  const now = s.now();
  const policy = await s.db.withTenant(tenantId, (q) => schedulingPolicy(q, tenantId));
  const due = new Date(now - policy.noShowGraceMin * 60_000);
  let marked = 0;
  for (;;) {
    const done = await s.db.transaction(tenantId, async (q) => {
      const res = await q.query<{ id: string }>(
        `SELECT id FROM sched_booking WHERE tenant_id = $1 AND status = 'booked' AND kind = 'visit' AND starts_at <= $2
          ORDER BY starts_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [tenantId, due],
      );
      const id = res.rows[0]?.id;
      if (!id) return true;
      const b = await lockBooking(q, tenantId, { bookingId: id });
      await noShow(s, q, tenantId, b, 'automatic');
      return false;
    });
    if (done) return marked;
    marked++;
  }
}
