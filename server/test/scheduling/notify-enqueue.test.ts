import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { enqueueBookingNotices, enqueueOfferNotice } from '../../src/modules/scheduling/notify/enqueue.js';
import { noticeQueue } from '../../src/modules/scheduling/notify/queue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createPatient, inMinutes, insertBooking, notices } from './notify-support.js';

let t: TestDatabase;

before(async () => {
  t = await createTestDatabase();
});

after(async () => {
  await t?.close();
});

test('a confirmation and its reminders are enqueued once, even when the enqueue runs twice', async () => {
  const patientId = await createPatient(t, t.tenantA, {
    given: 'Ana',
    family: 'Quintero',
    email: 'ana@example.org',
    mobile: '+15550100',
    channels: ['email', 'sms'],
  });
  const now = new Date();
  const startsAt = inMinutes(3 * 1440, now.getTime());
  const bookingId = await insertBooking(t.db, t.tenantA, { patientId, startsAt });
  const req = {
    bookingId,
    patientId,
    kind: 'confirmation' as const,
    version: 1,
    startsAt,
    reminderOffsetsMin: [1440, 60],
    now,
  };
  const first = await t.db.transaction(t.tenantA, (q) => enqueueBookingNotices(q, t.tenantA, req));
  const second = await t.db.transaction(t.tenantA, (q) => enqueueBookingNotices(q, t.tenantA, req));
  assert.equal(first, 6, 'confirmation and two reminders, on two channels');
  assert.equal(second, 0, 'the same enqueue again inserts nothing');
  const rows = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual(rows.map((r) => [r.kind, r.channel, r.status, r.attempts]).sort(), [
    ['confirmation', 'email', 'pending', 0],
    ['confirmation', 'sms', 'pending', 0],
    ['reminder', 'email', 'pending', 0],
    ['reminder', 'email', 'pending', 0],
    ['reminder', 'sms', 'pending', 0],
    ['reminder', 'sms', 'pending', 0],
  ]);
  const reminderDue = rows
    .filter((r) => r.kind === 'reminder' && r.channel === 'email')
    .map((r) => r.due_at.getTime())
    .sort();
  assert.deepEqual(reminderDue, [startsAt.getTime() - 1440 * 60_000, startsAt.getTime() - 60 * 60_000]);
  assert.ok(rows.some((r) => r.idem_key === `${bookingId}:confirmation:v1:email`));
  assert.ok(rows.some((r) => r.idem_key === `${bookingId}:reminder:60:${startsAt.toISOString()}:sms`));
});

test('reminders already past are not enqueued; a patient without any address gets no notices', async () => {
  const patientId = await createPatient(t, t.tenantA, {
    given: 'Bo',
    family: 'Lind',
    email: 'bo@example.org',
  });
  const now = new Date();
  const startsAt = inMinutes(90, now.getTime());
  const bookingId = await insertBooking(t.db, t.tenantA, { patientId, startsAt });
  await t.db.transaction(t.tenantA, (q) =>
    enqueueBookingNotices(q, t.tenantA, {
      bookingId,
      patientId,
      kind: 'confirmation',
      version: 1,
      startsAt,
      reminderOffsetsMin: [1440, 60],
      now,
    }),
  );
  const rows = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual(
    rows.map((r) => `${r.kind}/${r.channel}`),
    ['confirmation/email', 'reminder/email'],
    'no channel chosen: e-mail, because there is an address; only the 60-minute reminder is ahead',
  );

  const silent = await createPatient(t, t.tenantA, { given: 'Cy', family: 'Moe' });
  const other = await insertBooking(t.db, t.tenantA, { patientId: silent, startsAt });
  const n = await t.db.transaction(t.tenantA, (q) =>
    enqueueBookingNotices(q, t.tenantA, {
      bookingId: other,
      patientId: silent,
      kind: 'confirmation',
      version: 1,
      startsAt,
      reminderOffsetsMin: [60],
      now,
    }),
  );
  assert.equal(n, 0);
});

test('notices exist only if the booking change commits', async () => {
  const patientId = await createPatient(t, t.tenantA, {
    given: 'Di',
    family: 'Ross',
    email: 'di@example.org',
  });
  const startsAt = inMinutes(2 * 1440);
  const bookingId = crypto.randomUUID();
  await assert.rejects(
    t.db.transaction(t.tenantA, async (q) => {
      await enqueueBookingNotices(q, t.tenantA, {
        bookingId,
        patientId,
        kind: 'confirmation',
        version: 1,
        startsAt,
        reminderOffsetsMin: [60],
        now: new Date(),
      });
      throw new Error('the booking failed');
    }),
  );
  assert.equal((await notices(t.db, t.tenantA, bookingId)).length, 0);
});

test('a cancellation retires the pending reminders; a move gets reminders for the new time', async () => {
  const patientId = await createPatient(t, t.tenantA, { given: 'Ed', family: 'Nash', mobile: '+15550111' });
  const now = new Date();
  const startsAt = inMinutes(3 * 1440, now.getTime());
  const bookingId = await insertBooking(t.db, t.tenantA, { patientId, startsAt });
  const queue = noticeQueue({ reminderOffsetsMin: [1440, 60], now: () => now.getTime() });
  await t.db.transaction(t.tenantA, (q) =>
    queue.bookingChanged(q, t.tenantA, { bookingId, patientId, kind: 'confirmation', version: 1, startsAt }),
  );
  const moved = inMinutes(4 * 1440, now.getTime());
  await t.db.transaction(t.tenantA, (q) =>
    queue.bookingChanged(q, t.tenantA, {
      bookingId,
      patientId,
      kind: 'changed',
      version: 2,
      startsAt: moved,
    }),
  );
  let rows = await notices(t.db, t.tenantA, bookingId);
  const live = (r: (typeof rows)[number]) => r.status === 'pending';
  assert.deepEqual(
    rows
      .filter(live)
      .map((r) => `${r.kind}@${r.due_at.toISOString()}`)
      .sort(),
    [
      `changed@${now.toISOString()}`,
      `reminder@${new Date(moved.getTime() - 1440 * 60_000).toISOString()}`,
      `reminder@${new Date(moved.getTime() - 60 * 60_000).toISOString()}`,
    ].sort(),
  );
  assert.equal(rows.filter((r) => r.status === 'skipped' && r.last_error === 'superseded').length, 3);

  await t.db.transaction(t.tenantA, (q) =>
    queue.bookingChanged(q, t.tenantA, {
      bookingId,
      patientId,
      kind: 'cancelled',
      version: 3,
      startsAt: moved,
    }),
  );
  rows = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual(
    rows.filter(live).map((r) => r.kind),
    ['cancelled'],
  );
});

test('a waitlist offer notice, once per offer and channel, none once expired', async () => {
  const patientId = await createPatient(t, t.tenantB, {
    given: 'Flo',
    family: 'Park',
    email: 'flo@example.org',
    mobile: '+15550122',
    channels: ['sms'],
  });
  const startsAt = inMinutes(1440);
  const bookingId = await insertBooking(t.db, t.tenantB, { patientId, startsAt, status: 'held' });
  const offerId = crypto.randomUUID();
  const now = new Date();
  const req = { offerId, bookingId, patientId, expiresAt: inMinutes(120, now.getTime()), now };
  assert.equal(await t.db.transaction(t.tenantB, (q) => enqueueOfferNotice(q, t.tenantB, req)), 1);
  assert.equal(await t.db.transaction(t.tenantB, (q) => enqueueOfferNotice(q, t.tenantB, req)), 0);
  const rows = await notices(t.db, t.tenantB, bookingId);
  assert.deepEqual(
    rows.map((r) => [r.kind, r.channel, r.idem_key]),
    [['waitlist-offer', 'sms', `${offerId}:waitlist-offer:sms`]],
  );
  const expired = { ...req, offerId: crypto.randomUUID(), expiresAt: new Date(now.getTime() - 1) };
  assert.equal(await t.db.transaction(t.tenantB, (q) => enqueueOfferNotice(q, t.tenantB, expired)), 0);
});

test('row-level security: a tenant sees only its own notices', async () => {
  const a = await notices(t.db, t.tenantA);
  const b = await notices(t.db, t.tenantB);
  assert.ok(a.length > 0 && b.length > 0);
  const crossed = await t.db.query(
    t.tenantB,
    'SELECT count(*)::int AS n FROM sched_notice WHERE tenant_id = $1',
    [t.tenantA],
  );
  assert.equal(crossed.rows[0]?.n, 0);
  await assert.rejects(
    t.db.query(
      t.tenantB,
      `INSERT INTO sched_notice (tenant_id, id, idem_key, booking_id, patient_id, kind, channel, due_at, next_attempt_at)
       VALUES ($1, $2, 'x', $2, 'p', 'reminder', 'sms', now(), now())`,
      [t.tenantA, crypto.randomUUID()],
    ),
    /row-level security/,
  );
});

test('last_error holds a code, never free text', async () => {
  const [row] = await notices(t.db, t.tenantA);
  assert.ok(row);
  await assert.rejects(
    t.db.query(t.tenantA, `UPDATE sched_notice SET last_error = $2 WHERE id = $1`, [
      row.id,
      '550 <ana@example.org> mailbox unavailable',
    ]),
    /check constraint/,
  );
});
