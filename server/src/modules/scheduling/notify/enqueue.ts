import type { Queryable } from '../../../platform/db/pool.js';
import { uuidv7 } from '../../../platform/ids/uuid-v7.js';
import { noticeKeys } from './keys.js';
import { readPatientContact, readPatientContacts } from './patient.js';
import type { Channel, NoticeKind } from './types.js';

export interface BookingNoticeRequest {
  bookingId: string;
  /** The patient to tell: the booking's, or a group session seat's. */
  patientId: string;
  kind: 'confirmation' | 'changed' | 'cancelled';
  /** The booking's version after the change (the calendar event's SEQUENCE). */
  version: number;
  startsAt: Date;
  /** Reminders go this many minutes before the start (confirmation and changed only). */
  reminderOffsetsMin: readonly number[];
  now: Date;
}

export interface OfferNoticeRequest {
  offerId: string;
  /** The held booking the offer is for. */
  bookingId: string;
  patientId: string;
  expiresAt: Date;
  now: Date;
}

/** A notice to insert, with the booking (or offer) and patient it is about. */
interface NoticeRow {
  key: string;
  kind: NoticeKind;
  channel: Channel;
  dueAt: Date;
  bookingId: string;
  offerId: string | null;
  patientId: string;
  startsAt: Date | null;
  version: number | null;
}

/**
 * Enqueues a booking change notice on each channel the patient wants, and for a confirmation or a
 * change the reminders still ahead. Call it inside the transaction that changes the booking: the
 * notices then exist iff the change commits. Running it again inserts nothing twice (keys). Pending
 * notices of the booking that the change makes wrong (reminders of an old time, anything before a
 * cancellation) are retired here; the worker checks again before sending. Returns rows inserted.
 */
export async function enqueueBookingNotices(
  q: Queryable,
  tenantId: number,
  req: BookingNoticeRequest,
): Promise<number> {
  return enqueueBookingNoticesMany(q, tenantId, [req]);
}

/** `enqueueBookingNotices` for many bookings in three statements (a batch of bookings). */
export async function enqueueBookingNoticesMany(
  q: Queryable,
  tenantId: number,
  reqs: readonly BookingNoticeRequest[],
): Promise<number> {
  if (reqs.length === 0) return 0;
  // A first confirmation is of a booking made in this transaction: it has no notices to retire.
  const changed = reqs.filter((r) => r.kind !== 'confirmation' || r.version > 1);
  if (changed.length > 0)
    await q.prepared(
      'sched_notice_supersede',
      `UPDATE sched_notice n SET status = 'skipped', last_error = 'superseded', updated_at = now()
       FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS c(booking, kind, starts)
      WHERE n.tenant_id = $1 AND n.booking_id = c.booking AND n.status = 'pending'
        AND n.kind IN ('confirmation', 'changed', 'reminder')
        AND (c.kind = 'cancelled' OR n.booking_starts_at IS DISTINCT FROM c.starts)`,
      [tenantId, changed.map((r) => r.bookingId), changed.map((r) => r.kind), changed.map((r) => r.startsAt)],
    );
  const contacts = await readPatientContacts(q, tenantId, [...new Set(reqs.map((r) => r.patientId))], 'UTC');
  const rows: NoticeRow[] = [];
  for (const req of reqs) {
    const about = {
      bookingId: req.bookingId,
      offerId: null,
      patientId: req.patientId,
      startsAt: req.startsAt,
      version: req.version,
    };
    for (const channel of contacts.get(req.patientId)?.channels ?? []) {
      rows.push({
        ...about,
        key: noticeKeys.change(req.bookingId, req.kind, req.version, channel),
        kind: req.kind,
        channel,
        dueAt: req.now,
      });
      if (req.kind === 'cancelled') continue;
      for (const offset of new Set(req.reminderOffsetsMin)) {
        const dueAt = new Date(req.startsAt.getTime() - offset * 60_000);
        if (dueAt <= req.now) continue;
        rows.push({
          ...about,
          key: noticeKeys.reminder(req.bookingId, offset, req.startsAt, channel),
          kind: 'reminder',
          channel,
          dueAt,
        });
      }
    }
  }
  return insertNotices(q, tenantId, rows);
}

/** Enqueues a waitlist offer notice (in the transaction that makes the offer); nothing once expired. */
export async function enqueueOfferNotice(
  q: Queryable,
  tenantId: number,
  req: OfferNoticeRequest,
): Promise<number> {
  if (req.expiresAt <= req.now) return 0;
  const channels = await wantedChannels(q, tenantId, req.patientId);
  const booking = await q.query<{ starts_at: Date; version: number }>(
    'SELECT starts_at, version FROM sched_booking WHERE tenant_id = $1 AND id = $2',
    [tenantId, req.bookingId],
  );
  const rows = channels.map((channel): NoticeRow => ({
    key: noticeKeys.offer(req.offerId, channel),
    kind: 'waitlist-offer',
    channel,
    dueAt: req.now,
    bookingId: req.bookingId,
    offerId: req.offerId,
    patientId: req.patientId,
    startsAt: booking.rows[0]?.starts_at ?? null,
    version: booking.rows[0]?.version ?? null,
  }));
  return insertNotices(q, tenantId, rows);
}

/** The channels to enqueue for; none when the Patient is gone or has no address at all. */
async function wantedChannels(q: Queryable, tenantId: number, patientId: string): Promise<Channel[]> {
  // The zone does not matter here; only the channels are used.
  const contact = await readPatientContact(q, tenantId, patientId, 'UTC');
  return contact?.channels ?? [];
}

async function insertNotices(q: Queryable, tenantId: number, rows: NoticeRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await q.prepared(
    'sched_notice_insert',
    `INSERT INTO sched_notice (tenant_id, id, idem_key, booking_id, offer_id, patient_id, kind, channel,
       due_at, next_attempt_at, booking_starts_at, booking_version)
     SELECT $1, r.id, r.key, r.booking, r.offer, r.patient, r.kind, r.channel, r.due, r.due, r.starts, r.version
       FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[],
                   $9::timestamptz[], $10::timestamptz[], $11::int[])
            AS r(id, key, booking, offer, patient, kind, channel, due, starts, version)
     ON CONFLICT (tenant_id, idem_key) DO NOTHING`,
    [
      tenantId,
      rows.map(() => uuidv7()),
      rows.map((r) => r.key),
      rows.map((r) => r.bookingId),
      rows.map((r) => r.offerId),
      rows.map((r) => r.patientId),
      rows.map((r) => r.kind),
      rows.map((r) => r.channel),
      rows.map((r) => r.dueAt),
      rows.map((r) => r.startsAt),
      rows.map((r) => r.version),
    ],
  );
  return res.rowCount ?? 0;
}
