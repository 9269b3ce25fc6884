import type { Queryable } from '../../../platform/db/pool.js';
import { uuidv7 } from '../../../platform/ids/uuid-v7.js';
import { noticeKeys } from './keys.js';
import { readPatientContact } from './patient.js';
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

interface NoticeRow {
  key: string;
  kind: NoticeKind;
  channel: Channel;
  dueAt: Date;
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
  await q.query(
    `UPDATE sched_notice SET status = 'skipped', last_error = 'superseded', updated_at = now()
      WHERE tenant_id = $1 AND booking_id = $2 AND status = 'pending'
        AND kind IN ('confirmation', 'changed', 'reminder')
        AND ($3::text = 'cancelled' OR booking_starts_at IS DISTINCT FROM $4)`,
    [tenantId, req.bookingId, req.kind, req.startsAt],
  );
  const channels = await wantedChannels(q, tenantId, req.patientId);
  const rows: NoticeRow[] = [];
  for (const channel of channels) {
    rows.push({
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
        key: noticeKeys.reminder(req.bookingId, offset, req.startsAt, channel),
        kind: 'reminder',
        channel,
        dueAt,
      });
    }
  }
  return insertNotices(q, tenantId, rows, {
    bookingId: req.bookingId,
    offerId: null,
    patientId: req.patientId,
    startsAt: req.startsAt,
    version: req.version,
  });
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
  }));
  return insertNotices(q, tenantId, rows, {
    bookingId: req.bookingId,
    offerId: req.offerId,
    patientId: req.patientId,
    startsAt: booking.rows[0]?.starts_at ?? null,
    version: booking.rows[0]?.version ?? null,
  });
}

/** The channels to enqueue for; none when the Patient is gone or has no address at all. */
async function wantedChannels(q: Queryable, tenantId: number, patientId: string): Promise<Channel[]> {
  // The zone does not matter here; only the channels are used.
  const contact = await readPatientContact(q, tenantId, patientId, 'UTC');
  return contact?.channels ?? [];
}

async function insertNotices(
  q: Queryable,
  tenantId: number,
  rows: NoticeRow[],
  subject: {
    bookingId: string;
    offerId: string | null;
    patientId: string;
    startsAt: Date | null;
    version: number | null;
  },
): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await q.query(
    `INSERT INTO sched_notice (tenant_id, id, idem_key, booking_id, offer_id, patient_id, kind, channel,
       due_at, next_attempt_at, booking_starts_at, booking_version)
     SELECT $1, r.id, r.key, $2, $3, $4, r.kind, r.channel, r.due, r.due, $5, $6
       FROM unnest($7::uuid[], $8::text[], $9::text[], $10::text[], $11::timestamptz[]) AS r(id, key, kind, channel, due)
     ON CONFLICT (tenant_id, idem_key) DO NOTHING`,
    [
      tenantId,
      subject.bookingId,
      subject.offerId,
      subject.patientId,
      subject.startsAt,
      subject.version,
      rows.map(() => uuidv7()),
      rows.map((r) => r.key),
      rows.map((r) => r.kind),
      rows.map((r) => r.channel),
      rows.map((r) => r.dueAt),
    ],
  );
  return res.rowCount ?? 0;
}
