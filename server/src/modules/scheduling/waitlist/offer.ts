import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { createResource } from '../../../fhir/interactions/write.js';
import { newId } from '../../../fhir/storage/resource-store.js';
import type { Queryable } from '../../../platform/db/pool.js';
import { appointmentResource } from '../booking/appointment-resource.js';
import type { BookingRow } from '../booking/booking-row.js';
import { lockBooking } from '../booking/booking-row.js';
import { blockedRange } from '../booking/engine.js';
import { isOverlap, notFound, refused } from '../booking/errors.js';
import { takeLoad } from '../booking/load.js';
import { localDayAndWeek } from '../booking/local-day.js';
import type { BookingServices } from '../booking/services.js';
import { schedulingPolicy } from '../config/policy.js';
import { emit } from '../events.js';
import { closeWaitlistEntry } from './join.js';

/**
 * Offers a freed time to the first patient waiting for it (same visit type, the clinician they
 * asked for or any, the time inside their range), skipping anyone already offered this same time:
 * the time is held for them (a 'held' booking under the exclusion constraint) until they accept or
 * the offer expires. Runs in the transaction that freed the time.
 */
export async function offerFreedTime(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  freed: Pick<BookingRow, 'practitionerId' | 'visitTypeId' | 'modality' | 'start' | 'end'>,
  now: number,
): Promise<string | null> {
  const vt = await s.config.visitType(q, tenantId, freed.visitTypeId);
  if (!vt || freed.start - now < vt.minNoticeMin * 60_000) return null;
  const waiting = await q.query<{ id: string; patient_id: string }>(
    `SELECT w.id, w.patient_id FROM sched_waitlist w
      WHERE w.tenant_id = $1 AND w.status = 'waiting' AND w.visit_type_id = $2
        AND (w.practitioner_id IS NULL OR w.practitioner_id = $3) AND w.earliest <= $4 AND w.latest >= $5
        AND NOT EXISTS (
          SELECT 1 FROM sched_offer o JOIN sched_booking b ON b.tenant_id = o.tenant_id AND b.id = o.booking_id
           WHERE o.tenant_id = w.tenant_id AND o.waitlist_id = w.id AND b.practitioner_id = $3 AND b.starts_at = $4)
      ORDER BY w.created_at, w.id
      LIMIT 1 FOR UPDATE OF w SKIP LOCKED`,
    [tenantId, freed.visitTypeId, freed.practitionerId, new Date(freed.start), new Date(freed.end)],
  );
  const entry = waiting.rows[0];
  if (!entry) return null;
  const policy = await schedulingPolicy(q, tenantId);
  const expiresAt = new Date(now + policy.waitlistOfferMin * 60_000);
  const bookingId = crypto.randomUUID();
  const blocked = blockedRange(vt, freed.start);
  const [clinician] = await s.config.clinicians(q, tenantId, { practitionerIds: [freed.practitionerId] });
  const { day, week } = localDayAndWeek(freed.start, clinician?.timeZone ?? 'UTC');
  // The time may have been taken again in this same transaction (a move by a few minutes).
  await q.query('SAVEPOINT offer_hold');
  try {
    await q.query(
      `INSERT INTO sched_booking (tenant_id, id, practitioner_id, patient_id, visit_type_id, modality, starts_at,
         ends_at, blocked, status, hold_expires_at, local_date, local_week, booked_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, tstzrange($9, $10), 'held', $11, $12, $13, 'waitlist')`,
      [
        tenantId,
        bookingId,
        freed.practitionerId,
        entry.patient_id,
        vt.id,
        freed.modality,
        new Date(freed.start),
        new Date(freed.end),
        new Date(blocked.start),
        new Date(blocked.end),
        expiresAt,
        day,
        week,
      ],
    );
  } catch (err) {
    await q.query('ROLLBACK TO SAVEPOINT offer_hold');
    if (isOverlap(err)) return null;
    throw err;
  }
  await q.query('RELEASE SAVEPOINT offer_hold');
  const offerId = crypto.randomUUID();
  await q.query(
    `INSERT INTO sched_offer (tenant_id, id, waitlist_id, booking_id, expires_at, status) VALUES ($1, $2, $3, $4, $5, 'open')`,
    [tenantId, offerId, entry.id, bookingId, expiresAt],
  );
  await q.query(
    `UPDATE sched_waitlist SET status = 'offered', booking_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, entry.id, bookingId],
  );
  await emit(q, tenantId, 'waitlist.offered', { bookingId, offerId, status: 'held', visitTypeId: vt.id });
  await s.notices?.offerMade(q, tenantId, { offerId, bookingId, patientId: entry.patient_id, expiresAt });
  s.counters?.count('waitlist-offered', vt.serviceLine);
  return offerId;
}

type OfferRow = {
  id: string;
  waitlist_id: string;
  booking_id: string;
  expires_at: Date;
  status: string;
};

async function lockOffer(q: Queryable, tenantId: number, offerId: string): Promise<OfferRow> {
  const res = await q.query<OfferRow>(
    'SELECT id, waitlist_id, booking_id, expires_at, status FROM sched_offer WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
    [tenantId, offerId],
  );
  const offer = res.rows[0];
  if (!offer) throw notFound('Offer');
  return offer;
}

/** The patient takes the offered time: the hold becomes their booking, with its Appointment. */
export async function acceptOffer(
  s: BookingServices,
  tenantId: number,
  req: { offerId: string; patientId: string },
): Promise<{ bookingId: string; appointmentId: string; start: number; end: number }> {
  const now = s.now();
  return s.db.transaction(tenantId, async (q) => {
    const offer = await lockOffer(q, tenantId, req.offerId);
    const held = await lockBooking(q, tenantId, { bookingId: offer.booking_id });
    if (held.patientId !== req.patientId) throw notFound('Offer');
    if (offer.status !== 'open' || held.status !== 'held' || offer.expires_at.getTime() <= now)
      throw refused('This offer has expired or was already answered', 409);
    const vt = await s.config.visitType(q, tenantId, held.visitTypeId);
    const [clinician] = await s.config.clinicians(q, tenantId, { practitionerIds: [held.practitionerId] });
    if (!vt || !clinician) throw notFound('Visit type');
    if (!(await takeLoad(q, tenantId, clinician, held.localDate, held.localWeek)))
      throw refused('The clinician is fully booked that day', 409);
    const appointmentId = newId();
    await q.query(
      `UPDATE sched_booking SET status = 'booked', hold_expires_at = NULL, appointment_id = $3, version = version + 1,
         updated_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tenantId, held.id, appointmentId],
    );
    await createResource(
      s.fhir,
      { tenantId, access: OPEN_ACCESS, q },
      'Appointment',
      appointmentResource({
        bookingId: held.id,
        status: 'booked',
        visitType: vt,
        modality: held.modality,
        practitionerId: held.practitionerId,
        patientId: req.patientId,
        start: held.start,
        end: held.end,
        created: now,
      }),
      undefined,
      appointmentId,
    );
    await q.query(
      `UPDATE sched_offer SET status = 'accepted', updated_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tenantId, offer.id],
    );
    await closeWaitlistEntry(s, q, tenantId, offer.waitlist_id, 'booked', 'Booked from the waitlist');
    await emit(q, tenantId, 'waitlist.booked', {
      bookingId: held.id,
      appointmentId,
      status: 'booked',
      visitTypeId: vt.id,
    });
    await s.notices?.bookingChanged(q, tenantId, {
      bookingId: held.id,
      patientId: req.patientId,
      kind: 'confirmation',
      version: held.version + 1,
      startsAt: new Date(held.start),
    });
    s.counters?.count('waitlist-booked', vt.serviceLine);
    return { bookingId: held.id, appointmentId, start: held.start, end: held.end };
  });
}

/**
 * Ends an offer that was declined or ran out: the hold is released, the patient waits again (never
 * offered this same time twice), and the time passes to the next patient waiting.
 */
async function endOffer(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  offer: OfferRow,
  outcome: 'declined' | 'expired',
  now: number,
) {
  const held = await lockBooking(q, tenantId, { bookingId: offer.booking_id });
  await q.query(`UPDATE sched_offer SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    offer.id,
    outcome,
  ]);
  await q.query(
    `UPDATE sched_booking SET status = 'cancelled', cancel_reason = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, held.id, `Waitlist offer ${outcome}`],
  );
  await q.query(
    `UPDATE sched_waitlist SET status = 'waiting', booking_id = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, offer.waitlist_id],
  );
  await emit(q, tenantId, 'waitlist.offer-expired', {
    bookingId: held.id,
    offerId: offer.id,
    status: outcome,
  });
  const vt = await s.config.visitType(q, tenantId, held.visitTypeId);
  s.counters?.count('waitlist-expired', vt?.serviceLine ?? 'unknown');
  await offerFreedTime(s, q, tenantId, held, now);
}

export async function declineOffer(
  s: BookingServices,
  tenantId: number,
  req: { offerId: string; patientId: string },
) {
  const now = s.now();
  await s.db.transaction(tenantId, async (q) => {
    const offer = await lockOffer(q, tenantId, req.offerId);
    const held = await lockBooking(q, tenantId, { bookingId: offer.booking_id });
    if (held.patientId !== req.patientId) throw notFound('Offer');
    if (offer.status !== 'open') throw refused('This offer was already answered', 409);
    await endOffer(s, q, tenantId, offer, 'declined', now);
  });
}

/** Expires every open offer past its time (a worker sweep; each in its own transaction). */
export async function expireOffers(s: BookingServices, tenantId: number): Promise<number> {
  const now = s.now();
  let expired = 0;
  for (;;) {
    const done = await s.db.transaction(tenantId, async (q) => {
      const res = await q.query<OfferRow>(
        `SELECT id, waitlist_id, booking_id, expires_at, status FROM sched_offer
          WHERE tenant_id = $1 AND status = 'open' AND expires_at <= $2
          ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [tenantId, new Date(now)],
      );
      const offer = res.rows[0];
      if (!offer) return true;
      await endOffer(s, q, tenantId, offer, 'expired', now);
      return false;
    });
    if (done) return expired;
    expired++;
  }
}
