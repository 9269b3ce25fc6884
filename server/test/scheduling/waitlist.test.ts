import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { checkInBooking, markNoShow, sweepNoShows } from '../../src/modules/scheduling/booking/attendance.js';
import { bookVisit, type BookRequest } from '../../src/modules/scheduling/booking/book.js';
import { cancelBooking } from '../../src/modules/scheduling/booking/cancel.js';
import { SlotTaken } from '../../src/modules/scheduling/booking/errors.js';
import { bookSeat, createGroupSession } from '../../src/modules/scheduling/booking/group.js';
import { noticeQueue } from '../../src/modules/scheduling/notify/index.js';
import { acceptOffer, declineOffer, expireOffers } from '../../src/modules/scheduling/waitlist/offer.js';
import { joinWaitlist } from '../../src/modules/scheduling/waitlist/join.js';
import { SchedulingSweeper } from '../../src/modules/scheduling/sweeper.js';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  configure,
  createPatients,
  emptyCalendar,
  primaryCare30,
  schedulingFixture,
  weekdayClinician,
  type SchedulingFixture,
} from './support.js';

const NOW = Date.parse('2026-12-07T13:00:00Z'); // Monday 08:00 in New York
const tue = (hhmm: string) => Date.parse(`2026-12-08T${hhmm}:00-05:00`);
const group = { ...primaryCare30, id: 'group-60', durationMin: 60, groupCapacity: 3 };

describe('waitlist, no-shows, group sessions and notices', { timeout: 240_000 }, () => {
  let t: TestDatabase;
  let f: SchedulingFixture;
  let p: string[];

  before(async () => {
    t = await createTestDatabase();
    f = await schedulingFixture(t, NOW);
    p = await createPatients(f, t.tenantA, 12);
    // Every patient wants email reminders: the notices are then rows to count.
    await t.db.transaction(t.tenantA, async (q) => {
      for (const id of p) {
        const row = await q.query<{ content: string }>(
          `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2`,
          [t.tenantA, id],
        );
        const patient = JSON.parse(row.rows[0]?.content ?? '{}') as Record<string, unknown>;
        const { updateResource } = await import('../../src/fhir/interactions/write.js');
        const { OPEN_ACCESS } = await import('../../src/fhir/interactions/access.js');
        await updateResource(f.fhir.deps, { tenantId: t.tenantA, access: OPEN_ACCESS, q }, 'Patient', id, {
          ...patient,
          telecom: [{ system: 'email', value: `p${id.slice(0, 6)}@example.org` }],
        });
      }
    });
  });
  after(async () => t?.close());
  beforeEach(async () => {
    f.clock.ms = NOW;
    f.services.notices = undefined;
    await emptyCalendar(t);
    await configure(f, t.tenantA, [primaryCare30, group], [weekdayClinician('dr-a')]);
  });

  const request = (over: Partial<BookRequest>): BookRequest => ({
    visitTypeId: primaryCare30.id,
    practitionerId: 'dr-a',
    start: tue('10:00'),
    patientId: p[0] ?? '',
    booker: 'patient',
    bookedBy: 'test',
    ...over,
  });

  async function offerOf(patientId: string) {
    const res = await t.db.query<{ id: string; status: string; starts_at: Date }>(
      t.tenantA,
      `SELECT o.id, o.status, b.starts_at FROM sched_offer o JOIN sched_booking b ON b.tenant_id = o.tenant_id AND b.id = o.booking_id
        WHERE o.tenant_id = $1 AND b.patient_id = $2 ORDER BY o.created_at DESC LIMIT 1`,
      [t.tenantA, patientId],
    );
    return res.rows[0];
  }

  it('offers a freed time to the first waiting patient, who accepts it', async () => {
    const taken = await bookVisit(f.services, t.tenantA, request({}));
    const wait = await joinWaitlist(f.services, t.tenantA, {
      patientId: p[1] ?? '',
      visitTypeId: primaryCare30.id,
      earliest: tue('08:00'),
      latest: tue('12:00'),
    });
    await joinWaitlist(f.services, t.tenantA, {
      patientId: p[2] ?? '',
      visitTypeId: primaryCare30.id,
      earliest: tue('08:00'),
      latest: tue('12:00'),
    });
    await cancelBooking(f.services, t.tenantA, { appointmentId: taken.appointmentId, by: 'staff' });
    const offer = await offerOf(p[1] ?? '');
    assert.ok(offer, 'the first to wait gets the offer');
    assert.equal(offer.starts_at.getTime(), tue('10:00'));
    assert.equal(await offerOf(p[2] ?? ''), undefined);
    // While held, nobody else can book that time.
    await assert.rejects(
      bookVisit(f.services, t.tenantA, request({ patientId: p[3] ?? '' })),
      (e) => e instanceof SlotTaken,
    );
    // Another patient cannot take someone else's offer.
    await assert.rejects(
      acceptOffer(f.services, t.tenantA, { offerId: offer.id, patientId: p[2] ?? '' }),
      (e) => e instanceof FhirError && e.status === 404,
    );
    const booked = await acceptOffer(f.services, t.tenantA, { offerId: offer.id, patientId: p[1] ?? '' });
    assert.equal(booked.start, tue('10:00'));
    const appt = await t.db.query<{ content: string }>(
      t.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND id = $2`,
      [t.tenantA, booked.appointmentId],
    );
    assert.equal((JSON.parse(appt.rows[0]?.content ?? '{}') as { status: string }).status, 'booked');
    assert.equal(f.counters.get('waitlist-booked'), 1);
    // The wait itself is over: its Appointment is closed, naming why.
    const waitRecord = await t.db.query<{ content: string }>(
      t.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND id = $2`,
      [t.tenantA, wait.appointmentId],
    );
    const closed = JSON.parse(waitRecord.rows[0]?.content ?? '{}') as {
      status: string;
      cancelationReason?: { text: string };
    };
    assert.deepEqual(
      [closed.status, closed.cancelationReason?.text],
      ['cancelled', 'Booked from the waitlist'],
    );
    // Accepting twice is refused.
    await assert.rejects(
      acceptOffer(f.services, t.tenantA, { offerId: offer.id, patientId: p[1] ?? '' }),
      (e) => e instanceof FhirError && e.status === 409,
    );
  });

  it('passes an expired or declined offer on to the next waiting patient', async () => {
    const taken = await bookVisit(f.services, t.tenantA, request({}));
    for (const patientId of [p[1], p[2], p[3]])
      await joinWaitlist(f.services, t.tenantA, {
        patientId: patientId ?? '',
        visitTypeId: primaryCare30.id,
        earliest: tue('08:00'),
        latest: tue('12:00'),
      });
    await cancelBooking(f.services, t.tenantA, { appointmentId: taken.appointmentId, by: 'staff' });
    const first = await offerOf(p[1] ?? '');
    assert.ok(first);
    // Not yet: nothing expires before its time (30 minutes by default).
    f.clock.advance(29);
    assert.equal(await expireOffers(f.services, t.tenantA), 0);
    f.clock.advance(2);
    assert.equal(await expireOffers(f.services, t.tenantA), 1);
    assert.equal((await offerOf(p[1] ?? ''))?.status, 'expired');
    const second = await offerOf(p[2] ?? '');
    assert.ok(second, 'the time passed on');
    await assert.rejects(
      acceptOffer(f.services, t.tenantA, { offerId: first.id, patientId: p[1] ?? '' }),
      (e) => e instanceof FhirError && e.status === 409,
    );
    await declineOffer(f.services, t.tenantA, { offerId: second.id, patientId: p[2] ?? '' });
    const third = await offerOf(p[3] ?? '');
    assert.ok(third, 'declined: on to the third');
    assert.equal(
      (await acceptOffer(f.services, t.tenantA, { offerId: third.id, patientId: p[3] ?? '' })).start,
      tue('10:00'),
    );
  });

  it('marks no-shows after the grace, never a visit checked in, and staff only after the start', async () => {
    const a = await bookVisit(f.services, t.tenantA, request({ start: tue('10:00') }));
    const b = await bookVisit(f.services, t.tenantA, request({ start: tue('10:30'), patientId: p[1] ?? '' }));
    const c = await bookVisit(f.services, t.tenantA, request({ start: tue('11:00'), patientId: p[2] ?? '' }));
    await assert.rejects(
      markNoShow(f.services, t.tenantA, { appointmentId: c.appointmentId }),
      (e) => e instanceof FhirError && e.status === 422,
    );
    f.clock.ms = tue('10:20'); // 20 minutes after a's start: past the 15-minute grace
    await checkInBooking(f.services, t.tenantA, { appointmentId: b.appointmentId });
    assert.equal(await sweepNoShows(f.services, t.tenantA), 1);
    f.clock.ms = tue('10:50');
    assert.equal(await sweepNoShows(f.services, t.tenantA), 0, 'b checked in; c not yet due');
    const statuses = await t.db.query<{ appointment_id: string; status: string }>(
      t.tenantA,
      'SELECT appointment_id, status FROM sched_booking WHERE tenant_id = $1',
      [t.tenantA],
    );
    const byId = new Map(statuses.rows.map((r) => [r.appointment_id, r.status]));
    assert.deepEqual(
      [byId.get(a.appointmentId), byId.get(b.appointmentId), byId.get(c.appointmentId)],
      ['noshow', 'checked-in', 'booked'],
    );
    assert.equal(f.counters.get('noshow'), 1);
  });

  it('fills a group session to its seat limit and no further, however many ask at once', async () => {
    const session = await createGroupSession(f.services, t.tenantA, {
      visitTypeId: group.id,
      practitionerId: 'dr-a',
      start: tue('13:00'),
      bookedBy: 'desk',
    });
    const outcomes = await Promise.allSettled(
      p
        .slice(0, 10)
        .map((patientId) =>
          bookSeat(f.services, t.tenantA, { sessionId: session.sessionId, patientId, bookedBy: 'test' }),
        ),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
    assert.ok(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof SlotTaken));
    const seats = await t.db.query<{ n: string; taken: number }>(
      t.tenantA,
      `SELECT (SELECT count(*) FROM sched_seat WHERE tenant_id = $1) AS n, (SELECT seats_taken FROM sched_booking WHERE tenant_id = $1 AND id = $2) AS taken`,
      [t.tenantA, session.sessionId],
    );
    assert.equal(Number(seats.rows[0]?.n), 3);
    assert.equal(seats.rows[0]?.taken, 3);
    // The session's Appointment says so in a structured extension.
    const record = await t.db.query<{ content: string }>(
      t.tenantA,
      'SELECT content FROM resource WHERE tenant_id = $1 AND id = $2',
      [t.tenantA, session.appointmentId],
    );
    const ext = (
      JSON.parse(record.rows[0]?.content ?? '{}') as {
        extension: { url: string; extension?: { url: string; valueUnsignedInt: number }[] }[];
      }
    ).extension;
    assert.deepEqual(
      ext
        .find((e) => e.url === 'urn:openvisit:group-seats')
        ?.extension?.map((e) => [e.url, e.valueUnsignedInt]),
      [
        ['capacity', 3],
        ['taken', 3],
      ],
    );
    // The session holds the clinician's hour like any visit.
    await assert.rejects(
      bookVisit(f.services, t.tenantA, request({ start: tue('13:30') })),
      (e) => e instanceof SlotTaken,
    );
    // A one-to-one visit type cannot be booked as a group, nor a group type one-to-one.
    await assert.rejects(
      bookVisit(f.services, t.tenantA, request({ visitTypeId: group.id, start: tue('15:00') })),
      (e) => e instanceof FhirError && e.status === 422,
    );
  });

  it('enqueues the confirmation, the reminders and the cancellation in the booking transactions', async () => {
    f.services.notices = noticeQueue({ reminderOffsetsMin: [1440, 60], now: f.clock.now });
    const booked = await bookVisit(f.services, t.tenantA, request({ start: tue('16:00') }));
    await cancelBooking(f.services, t.tenantA, { appointmentId: booked.appointmentId, by: 'staff' });
    const notices = await t.db.query<{ kind: string; status: string }>(
      t.tenantA,
      `SELECT kind, status FROM sched_notice WHERE tenant_id = $1 AND booking_id = $2 ORDER BY kind, due_at`,
      [t.tenantA, booked.bookingId],
    );
    // Only the cancellation goes out: the confirmation and the two reminders not yet sent are
    // withdrawn by it (nobody is told of a visit that no longer exists).
    assert.deepEqual(
      notices.rows.map((r) => `${r.kind}:${r.status}`),
      ['cancelled:pending', 'confirmation:skipped', 'reminder:skipped', 'reminder:skipped'],
    );
    // A booking that fails (the time is taken) leaves no notice behind.
    await bookVisit(f.services, t.tenantA, request({ start: tue('09:00') }));
    const before = await t.db.query<{ n: string }>(
      t.tenantA,
      'SELECT count(*) AS n FROM sched_notice WHERE tenant_id = $1',
      [t.tenantA],
    );
    await assert.rejects(
      bookVisit(f.services, t.tenantA, request({ start: tue('09:00'), patientId: p[1] ?? '' })),
    );
    const afterwards = await t.db.query<{ n: string }>(
      t.tenantA,
      'SELECT count(*) AS n FROM sched_notice WHERE tenant_id = $1',
      [t.tenantA],
    );
    assert.equal(afterwards.rows[0]?.n, before.rows[0]?.n);
  });

  it('sweeps every tenant: no-shows, expired offers, and the fill rate of each service line', async () => {
    await bookVisit(f.services, t.tenantA, request({ start: tue('10:00') }));
    await bookVisit(f.services, t.tenantA, request({ start: tue('11:00'), patientId: p[1] ?? '' }));
    const fills: [string, string, number][] = [];
    const sweeper = new SchedulingSweeper(f.services, undefined, (tenant, line, rate) =>
      fills.push([tenant, line, rate]),
    );
    await sweeper.runOnce();
    // Monday 08:00 to next Monday 08:00: five days of 09:00–17:00, 2,400 minutes; an hour booked.
    assert.deepEqual(fills, [['tenant-a', 'primary-care', 60 / 2400]]);
    f.clock.ms = tue('11:10'); // 10:00 is past its 15 minutes of grace, 11:00 not yet
    assert.deepEqual(await sweeper.runOnce(), { noShows: 1, expiredOffers: 0 });
  });
});
