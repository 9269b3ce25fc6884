import type { Queryable } from '../../../platform/db/pool.js';
import type { ClaimedNotice } from './store.js';

/** The booking as it is now. */
export interface BookingNow {
  status: string;
  startsAt: Date;
  endsAt: Date;
  version: number;
  appointmentId: string | null;
}

export interface OfferNow {
  status: string;
  expiresAt: Date;
}

/**
 * The booking a notice is about: a booking of its own, or a group session seat (a seat's notices
 * name the seat). A seat has the session's time; its status is its own unless the session was
 * cancelled; its Appointment is the patient's own; its version is the session's, one more once the
 * seat alone was cancelled (the versions its notices were enqueued with, see booking/seat-cancel.ts).
 */
export async function loadBooking(
  q: Queryable,
  tenantId: number,
  bookingId: string,
): Promise<BookingNow | undefined> {
  const res = await q.query<{
    status: string;
    starts_at: Date;
    ends_at: Date;
    version: number;
    appointment_id: string | null;
  }>(
    `SELECT status, starts_at, ends_at, version, appointment_id FROM sched_booking
      WHERE tenant_id = $1 AND id = $2
     UNION ALL
     SELECT CASE WHEN b.status = 'cancelled' THEN b.status ELSE s.status END, b.starts_at, b.ends_at,
            b.version + CASE WHEN s.status = 'cancelled' AND b.status <> 'cancelled' THEN 1 ELSE 0 END,
            s.appointment_id
       FROM sched_seat s JOIN sched_booking b ON b.tenant_id = s.tenant_id AND b.id = s.booking_id
      WHERE s.tenant_id = $1 AND s.id = $2`,
    [tenantId, bookingId],
  );
  const r = res.rows[0];
  return r
    ? {
        status: r.status,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        version: r.version,
        appointmentId: r.appointment_id,
      }
    : undefined;
}

export async function loadOffer(
  q: Queryable,
  tenantId: number,
  offerId: string,
): Promise<OfferNow | undefined> {
  const res = await q.query<{ status: string; expires_at: Date }>(
    'SELECT status, expires_at FROM sched_offer WHERE tenant_id = $1 AND id = $2',
    [tenantId, offerId],
  );
  const r = res.rows[0];
  return r ? { status: r.status, expiresAt: r.expires_at } : undefined;
}

/**
 * Why a notice must not go out any more (a code for `last_error`), or undefined when it still says
 * the truth. A notice is about the booking's time: it is stale when the booking no longer is at that
 * time or no longer in the state the notice announces. The version is not compared: it also moves
 * on changes a message does not mention, and a newer change brings its own notice.
 */
export function staleReason(
  n: Pick<ClaimedNotice, 'kind' | 'startsAt'>,
  booking: BookingNow | undefined,
  offer: OfferNow | undefined,
  now: Date,
): string | undefined {
  if (n.kind === 'waitlist-offer') {
    if (!offer || offer.status !== 'open' || offer.expiresAt <= now) return 'offer-closed';
    return booking ? undefined : 'booking-gone';
  }
  if (!booking) return 'booking-gone';
  if (n.kind === 'cancelled') return booking.status === 'cancelled' ? undefined : 'superseded';
  const live = n.kind === 'reminder' ? ['booked'] : ['booked', 'checked-in'];
  if (!live.includes(booking.status)) return 'superseded';
  if (n.startsAt && n.startsAt.getTime() !== booking.startsAt.getTime()) return 'superseded';
  if (booking.startsAt <= now) return 'too-late';
  return undefined;
}
