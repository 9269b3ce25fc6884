import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cancelBooking } from '../../src/modules/scheduling/booking/cancel.js';
import { SlotTaken } from '../../src/modules/scheduling/booking/errors.js';
import { bookSeat, createGroupSession } from '../../src/modules/scheduling/booking/group.js';
import { SmtpEmailSender } from '../../src/modules/scheduling/notify/email/smtp.js';
import { noticeQueue } from '../../src/modules/scheduling/notify/queue.js';
import { NotificationWorker } from '../../src/modules/scheduling/notify/worker.js';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  createPatient,
  notices,
  parseIcs,
  parseMail,
  SmsDouble,
  startSmtp,
  type TestSmtp,
} from './notify-support.js';
import {
  configure,
  emptyCalendar,
  primaryCare30,
  schedulingFixture,
  weekdayClinician,
  type SchedulingFixture,
} from './support.js';

const NOW = Date.parse('2026-12-07T13:00:00Z'); // Monday 08:00 in New York
const tue = (hhmm: string) => Date.parse(`2026-12-08T${hhmm}:00-05:00`);
const group = {
  ...primaryCare30,
  id: 'group-60',
  name: 'Diabetes support group',
  durationMin: 60,
  groupCapacity: 3,
};
const BASE = 'https://visit.example.org';
const min = 60_000;

describe('group session seats are told like one-to-one bookings', { timeout: 240_000 }, () => {
  let t: TestDatabase;
  let f: SchedulingFixture;
  let smtp: TestSmtp;
  /** Patients: Ana wants e-mail and SMS; the others e-mail (the default when there is an address). */
  let ana: string;
  let ben: string;
  let cy: string;
  let dee: string;

  before(async () => {
    t = await createTestDatabase();
    f = await schedulingFixture(t, NOW);
    smtp = await startSmtp();
    ana = await createPatient(t, t.tenantA, {
      given: 'Ana',
      family: 'Quintero',
      email: 'ana@example.org',
      mobile: '+15550100',
      channels: ['email', 'sms'],
    });
    ben = await createPatient(t, t.tenantA, { given: 'Ben', family: 'Okafor', email: 'ben@example.org' });
    cy = await createPatient(t, t.tenantA, { given: 'Cy', family: 'Moe', email: 'cy@example.org' });
    dee = await createPatient(t, t.tenantA, { given: 'Dee', family: 'Park', email: 'dee@example.org' });
  });
  after(async () => {
    await smtp?.close();
    await t?.close();
  });
  beforeEach(async () => {
    f.clock.ms = NOW;
    f.services.notices = noticeQueue({ reminderOffsetsMin: [1440, 60], now: f.clock.now });
    smtp.messages.length = 0;
    await emptyCalendar(t);
    await configure(f, t.tenantA, [group], [weekdayClinician('dr-a')]);
  });

  const session = () =>
    createGroupSession(f.services, t.tenantA, {
      visitTypeId: group.id,
      practitionerId: 'dr-a',
      start: tue('13:00'),
      bookedBy: 'desk',
    });
  const seat = (sessionId: string, patientId: string) =>
    bookSeat(f.services, t.tenantA, { sessionId, patientId, bookedBy: 'test' });
  const pending = async (bookingId: string) =>
    (await notices(t.db, t.tenantA, bookingId)).filter((r) => r.status === 'pending');
  const countAll = async () => (await notices(t.db, t.tenantA)).length;

  it('a seat gets the confirmation and the reminders, keyed by the seat, in its own transaction', async () => {
    const s = await session();
    assert.equal(await countAll(), 0, 'the session itself has no patient to tell');
    const a = await seat(s.sessionId, ana);
    const start = new Date(tue('13:00'));
    const rows = await notices(t.db, t.tenantA, a.seatId);
    assert.deepEqual(
      rows.map((r) => [r.idem_key, r.kind, r.status, r.due_at.getTime()]),
      [
        [`${a.seatId}:confirmation:v1:email`, 'confirmation', 'pending', NOW],
        [`${a.seatId}:confirmation:v1:sms`, 'confirmation', 'pending', NOW],
        [
          `${a.seatId}:reminder:1440:${start.toISOString()}:email`,
          'reminder',
          'pending',
          start.getTime() - 1440 * min,
        ],
        [
          `${a.seatId}:reminder:1440:${start.toISOString()}:sms`,
          'reminder',
          'pending',
          start.getTime() - 1440 * min,
        ],
        [
          `${a.seatId}:reminder:60:${start.toISOString()}:email`,
          'reminder',
          'pending',
          start.getTime() - 60 * min,
        ],
        [
          `${a.seatId}:reminder:60:${start.toISOString()}:sms`,
          'reminder',
          'pending',
          start.getTime() - 60 * min,
        ],
      ],
    );
    // Each seat holder is told of their own seat: no key of one seat can swallow another's.
    const b = await seat(s.sessionId, ben);
    assert.deepEqual(
      (await pending(b.seatId)).map((r) => `${r.kind}/${r.channel}`),
      ['confirmation/email', 'reminder/email', 'reminder/email'],
    );
    assert.equal(await countAll(), 9);

    // A seat that is not taken leaves no notice behind: a second seat for the same patient, a full session.
    await assert.rejects(seat(s.sessionId, ana), (e) => e instanceof FhirError && e.status === 409);
    await seat(s.sessionId, cy);
    const before = await countAll();
    await assert.rejects(seat(s.sessionId, dee), (e) => e instanceof SlotTaken);
    assert.equal(await countAll(), before);
    assert.equal(
      (await notices(t.db, t.tenantA)).filter((r) => r.idem_key.includes(dee)).length,
      0,
      'nothing for the patient who found the session full',
    );
  });

  it('a cancelled seat withdraws its pending notices and enqueues a cancellation; other seats keep theirs', async () => {
    const s = await session();
    const a = await seat(s.sessionId, ana);
    const b = await seat(s.sessionId, ben);
    // Another patient cannot cancel Ana's seat.
    await assert.rejects(
      cancelBooking(f.services, t.tenantA, { appointmentId: a.appointmentId, by: { patientId: ben } }),
      (e) => e instanceof FhirError && e.status === 404,
    );
    const cancelled = await cancelBooking(f.services, t.tenantA, {
      appointmentId: a.appointmentId,
      by: { patientId: ana },
    });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.patientId, ana);

    const rows = await notices(t.db, t.tenantA, a.seatId);
    assert.deepEqual(
      rows
        .filter((r) => r.status === 'pending')
        .map((r) => r.idem_key)
        .sort(),
      [`${a.seatId}:cancelled:v2:email`, `${a.seatId}:cancelled:v2:sms`],
    );
    assert.deepEqual(
      rows.filter((r) => r.status !== 'pending').map((r) => `${r.kind}:${r.status}:${r.last_error}`),
      [
        'confirmation:skipped:superseded',
        'confirmation:skipped:superseded',
        'reminder:skipped:superseded',
        'reminder:skipped:superseded',
        'reminder:skipped:superseded',
        'reminder:skipped:superseded',
      ],
    );
    assert.deepEqual(
      (await pending(b.seatId)).map((r) => r.kind),
      ['confirmation', 'reminder', 'reminder'],
      "Ben's seat is untouched",
    );

    // The seat is given back, its Appointment says so, and the change went through the outbox.
    const state = await t.db.query<{ status: string; taken: number; appt: string; events: string }>(
      t.tenantA,
      `SELECT s.status, b.seats_taken AS taken,
              (SELECT content FROM resource WHERE tenant_id = $1 AND id = s.appointment_id) AS appt,
              (SELECT count(*) FROM outbox WHERE type = 'appointment.cancelled' AND payload->>'bookingId' = $2::text) AS events
         FROM sched_seat s JOIN sched_booking b ON b.tenant_id = s.tenant_id AND b.id = s.booking_id
        WHERE s.tenant_id = $1 AND s.id = $2::uuid`,
      [t.tenantA, a.seatId],
    );
    const row = state.rows[0];
    assert.equal(row?.status, 'cancelled');
    assert.equal(row?.taken, 1);
    assert.equal((JSON.parse(row?.appt ?? '{}') as { status?: string }).status, 'cancelled');
    assert.equal(Number(row?.events), 1);
    // Cancelling it again is refused and enqueues nothing more.
    await assert.rejects(
      cancelBooking(f.services, t.tenantA, { appointmentId: a.appointmentId, by: 'staff' }),
      (e) => e instanceof FhirError && e.status === 409,
    );
    assert.equal((await notices(t.db, t.tenantA, a.seatId)).length, rows.length);
  });

  it('cancelling the session cancels every seat and tells each of its patients', async () => {
    const s = await session();
    const a = await seat(s.sessionId, ana);
    const b = await seat(s.sessionId, ben);
    await cancelBooking(f.services, t.tenantA, {
      bookingId: s.sessionId,
      by: 'staff',
      reason: 'Facilitator ill',
    });
    for (const [held, channels] of [
      [a, ['email', 'sms']],
      [b, ['email']],
    ] as const) {
      assert.deepEqual(
        (await pending(held.seatId)).map((r) => r.idem_key).sort(),
        channels.map((c) => `${held.seatId}:cancelled:v2:${c}`),
      );
    }
    const seats = await t.db.query<{ status: string }>(
      t.tenantA,
      'SELECT status FROM sched_seat WHERE tenant_id = $1 AND booking_id = $2',
      [t.tenantA, s.sessionId],
    );
    assert.deepEqual(
      seats.rows.map((r) => r.status),
      ['cancelled', 'cancelled'],
    );
  });

  it("the worker sends a seat's notices with the seat's own link and event, and checks the seat before sending", async () => {
    const worker = () =>
      new NotificationWorker({
        db: t.db,
        baseUrl: BASE,
        defaultTimeZone: 'America/New_York',
        email: new SmtpEmailSender({ url: smtp.url, from: 'OpenVisit <noreply@clinic.example>' }),
        sms: new SmsDouble(),
        clock: () => new Date(f.clock.ms),
      });
    const s = await session();
    const b = await seat(s.sessionId, ben);
    await worker().drain();
    assert.equal(smtp.messages.length, 1);
    const link = `${BASE}/app/appointments/${b.appointmentId}`;
    const confirmed = parseMail(smtp.messages[0]?.raw ?? '');
    assert.equal(confirmed.subject, 'Your appointment is confirmed');
    assert.match(confirmed.text, /^Hi Ben,/);
    assert.ok(confirmed.text.includes(link), "the link is the patient's own Appointment, not the session's");
    for (const phi of ['Okafor', 'Diabetes', 'group', 'dr-a'])
      assert.ok(!`${confirmed.subject}\n${confirmed.text}\n${confirmed.html}`.includes(phi), phi);
    let ics = parseIcs(confirmed.ics?.content ?? '');
    assert.deepEqual(ics.get('UID'), [`${b.appointmentId}@openvisit`]);
    assert.deepEqual(ics.get('SEQUENCE'), ['1']);

    await cancelBooking(f.services, t.tenantA, { appointmentId: b.appointmentId, by: 'staff' });
    await worker().drain();
    assert.equal(smtp.messages.length, 2);
    const cancelled = parseMail(smtp.messages[1]?.raw ?? '');
    assert.equal(cancelled.subject, 'Your appointment has been cancelled');
    ics = parseIcs(cancelled.ics?.content ?? '');
    assert.deepEqual(ics.get('METHOD'), ['CANCEL']);
    assert.deepEqual(ics.get('UID'), [`${b.appointmentId}@openvisit`]);
    assert.deepEqual(ics.get('SEQUENCE'), ['2']);

    // A seat gone by the time its reminder is due (here: changed behind the notices' back) is not
    // reminded: the worker reads the seat, not only the session, which goes on.
    const c = await seat(s.sessionId, cy);
    await t.db.query(
      t.tenantA,
      `UPDATE sched_seat SET status = 'cancelled' WHERE tenant_id = $1 AND id = $2`,
      [t.tenantA, c.seatId],
    );
    f.clock.ms = tue('12:30');
    await worker().drain();
    assert.equal(smtp.messages.length, 2, 'nothing more was sent');
    assert.deepEqual(
      (await notices(t.db, t.tenantA, c.seatId)).map((r) => `${r.kind}:${r.status}:${r.last_error}`),
      ['confirmation:skipped:superseded', 'reminder:skipped:superseded', 'reminder:skipped:superseded'],
    );
  });
});
