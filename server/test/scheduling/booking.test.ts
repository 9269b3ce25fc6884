import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { bookVisit, type BookRequest } from '../../src/modules/scheduling/booking/book.js';
import { cancelBooking } from '../../src/modules/scheduling/booking/cancel.js';
import { SlotTaken } from '../../src/modules/scheduling/booking/errors.js';
import { rescheduleBooking } from '../../src/modules/scheduling/booking/reschedule.js';
import { searchSlots } from '../../src/modules/scheduling/booking/search.js';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import type { TestDatabase } from '../support/database.js';
import {
  configure,
  doubleBookings,
  primaryCare30,
  bookingSuite,
  weekdayClinician,
  type SchedulingFixture,
} from './support.js';

// Monday 2026-12-07, 08:00 in New York (EST, UTC−5).
const NOW = Date.parse('2026-12-07T13:00:00Z');
/** Tuesday 2026-12-08 at a New York wall time. */
const tue = (hhmm: string) => Date.parse(`2026-12-08T${hhmm}:00-05:00`);

async function appointment(t: TestDatabase, tenantId: number, id: string) {
  const res = await t.db.query<{ content: string }>(
    tenantId,
    `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Appointment' AND id = $2 AND NOT deleted`,
    [tenantId, id],
  );
  return JSON.parse(res.rows[0]?.content ?? 'null') as {
    status: string;
    start: string;
    end: string;
    participant: { actor: { reference: string } }[];
    cancelationReason?: { text: string };
  } | null;
}

async function events(t: TestDatabase, tenantId: number): Promise<string[]> {
  const res = await t.db.query<{ type: string }>(
    tenantId,
    `SELECT type FROM outbox WHERE tenant_id = $1 AND topic = 'scheduling' ORDER BY seq`,
    [tenantId],
  );
  return res.rows.map((r) => r.type);
}

describe('booking', { timeout: 240_000 }, () => {
  const suite = bookingSuite(NOW, {
    visitTypeId: primaryCare30.id,
    practitionerId: 'dr-a',
    start: tue('10:00'),
    booker: 'patient',
    bookedBy: 'test',
  });
  let t: TestDatabase;
  let f: SchedulingFixture;
  let patients: string[];
  before(() => ({ t, f, patients } = suite));
  const request = suite.request;

  it('books a free time as a FHIR Appointment with an event, and refuses a time not on offer', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a')]);
    const booked = await bookVisit(f.services, t.tenantA, request({}));
    assert.equal(booked.practitionerId, 'dr-a');
    assert.equal(booked.end - booked.start, 30 * 60_000);
    const appt = await appointment(t, t.tenantA, booked.appointmentId);
    assert.ok(appt);
    assert.equal(appt.status, 'booked');
    assert.equal(appt.start, '2026-12-08T15:00:00Z');
    assert.deepEqual(
      appt.participant.map((p) => p.actor.reference),
      [`Patient/${patients[0]}`, 'Practitioner/dr-a'],
    );
    assert.deepEqual(await events(t, t.tenantA), ['appointment.booked']);
    assert.equal(f.counters.get('booked'), 1);

    // 07:00 is before the clinician's hours; 10:10 is not on the half-hour grid.
    for (const start of [tue('07:00'), tue('10:10')])
      await assert.rejects(
        bookVisit(f.services, t.tenantA, request({ start, patientId: patients[1] ?? '' })),
        (e) => e instanceof FhirError && e.status === 422,
      );
    // 09:30 today is an hour and a half away: enough for this visit type, not for one that needs two.
    const noticed = { ...primaryCare30, id: 'pc-two-hours', minNoticeMin: 120 };
    await configure(f, t.tenantA, [noticed], []);
    const today = Date.parse('2026-12-07T09:30:00-05:00');
    await assert.rejects(
      bookVisit(f.services, t.tenantA, request({ visitTypeId: noticed.id, start: today })),
      (e) => e instanceof FhirError && e.status === 422,
    );
    assert.ok((await bookVisit(f.services, t.tenantA, request({ start: today }))).bookingId);
  });

  it('500 concurrent attempts on 50 open times end with exactly 50 appointments and 450 conflicts', async () => {
    const clinicians = ['dr-1', 'dr-2', 'dr-3', 'dr-4', 'dr-5'].map((id) =>
      weekdayClinician(id, {
        overrides: [{ date: '2026-12-08', intervals: [{ start: '09:00', end: '14:00' }] }],
      }),
    );
    await configure(f, t.tenantA, [primaryCare30], clinicians);
    const times = Array.from({ length: 10 }, (_, i) => tue('09:00') + i * 30 * 60_000);
    const attempts: BookRequest[] = [];
    for (let round = 0; round < 10; round++)
      for (const c of clinicians)
        for (const start of times)
          attempts.push(
            request({ practitionerId: c.practitionerId, start, patientId: patients[round] ?? '' }),
          );
    assert.equal(attempts.length, 500);
    const outcomes = await Promise.allSettled(attempts.map((a) => bookVisit(f.services, t.tenantA, a)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(won.length, 50);
    assert.equal(lost.length, 450);
    for (const o of lost)
      assert.ok(
        o.status === 'rejected' && o.reason instanceof SlotTaken,
        String(o.status === 'rejected' && o.reason),
      );
    assert.equal(await doubleBookings(t, t.tenantA), 0);
    const live = await t.db.query<{ n: string }>(
      t.tenantA,
      `SELECT count(*) AS n FROM sched_booking WHERE tenant_id = $1 AND status = 'booked'`,
      [t.tenantA],
    );
    assert.equal(Number(live.rows[0]?.n), 50);
    const ids = won.map((o) => (o.status === 'fulfilled' ? o.value.appointmentId : ''));
    assert.equal(new Set(ids).size, 50);
    for (const id of ids) assert.equal((await appointment(t, t.tenantA, id))?.status, 'booked');
  });

  it('answers a lost race with fresh alternatives, the same clinician first', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a'), weekdayClinician('dr-b')]);
    await bookVisit(f.services, t.tenantA, request({}));
    const lost = await bookVisit(f.services, t.tenantA, request({ patientId: patients[1] ?? '' })).catch(
      (e: unknown) => e,
    );
    assert.ok(lost instanceof SlotTaken);
    assert.ok(lost.alternatives.length > 0);
    assert.equal(lost.alternatives[0]?.practitionerId, 'dr-a');
    assert.ok(lost.alternatives.every((a) => a.start !== tue('10:00') || a.practitionerId !== 'dr-a'));
  });

  it('holds buffers: a booking blocks the times its buffers reach', async () => {
    const buffered = { ...primaryCare30, id: 'pc-buffered', bufferBeforeMin: 10, bufferAfterMin: 15 };
    await configure(f, t.tenantA, [buffered], [weekdayClinician('dr-a')]);
    await bookVisit(f.services, t.tenantA, request({ visitTypeId: buffered.id, start: tue('10:00') }));
    // 10:30 would start inside 10:00's after-buffer (and its own before-buffer reaches back).
    await assert.rejects(
      bookVisit(
        f.services,
        t.tenantA,
        request({ visitTypeId: buffered.id, start: tue('10:30'), patientId: patients[1] ?? '' }),
      ),
      (e) => e instanceof SlotTaken,
    );
    const later = await bookVisit(
      f.services,
      t.tenantA,
      request({ visitTypeId: buffered.id, start: tue('11:00'), patientId: patients[1] ?? '' }),
    );
    assert.equal(later.start, tue('11:00'));
    assert.equal(await doubleBookings(t, t.tenantA), 0);
  });

  it('keeps to the caps per day, even when bookings race', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a', { maxPerDay: 3 })]);
    const times = Array.from({ length: 12 }, (_, i) => tue('09:00') + i * 30 * 60_000);
    const outcomes = await Promise.allSettled(
      times.map((start, i) =>
        bookVisit(f.services, t.tenantA, request({ start, patientId: patients[i] ?? '' })),
      ),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
    assert.ok(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof SlotTaken));
    // The search agrees: nothing more is offered that day (the day counts it reads are the caps').
    const pool = await t.db.withTenant(t.tenantA, (q) => f.services.config.clinicians(q, t.tenantA));
    const offered = await t.db.withTenant(t.tenantA, (q) =>
      searchSlots(q, t.tenantA, pool, {
        visitType: primaryCare30,
        from: tue('00:00'),
        to: tue('23:59'),
        now: NOW,
        limit: 100,
      }),
    );
    assert.deepEqual(offered, []);
    // Raising the cap recounts the day: the search offers times again.
    await configure(f, t.tenantA, [], [weekdayClinician('dr-a', { maxPerDay: 4 })]);
    const raised = await t.db.withTenant(t.tenantA, async (q) =>
      searchSlots(q, t.tenantA, await f.services.config.clinicians(q, t.tenantA), {
        visitType: primaryCare30,
        from: tue('00:00'),
        to: tue('23:59'),
        now: NOW,
        limit: 100,
      }),
    );
    assert.ok(raised.length > 0);
    // The next day is a new day.
    const wed = await bookVisit(f.services, t.tenantA, request({ start: tue('10:00') + 86_400_000 }));
    assert.ok(wed.bookingId);
  });

  it('cancels (freeing the time) and reschedules (keeping the Appointment), within the patient notice', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a')]);
    const first = await bookVisit(f.services, t.tenantA, request({}));
    const moved = await rescheduleBooking(f.services, t.tenantA, {
      appointmentId: first.appointmentId,
      start: tue('10:30'),
      by: { patientId: patients[0] ?? '' },
      booker: 'patient',
      bookedBy: 'test',
    });
    assert.equal(moved.appointmentId, first.appointmentId);
    assert.equal((await appointment(t, t.tenantA, first.appointmentId))?.start, '2026-12-08T15:30:00Z');
    // The old time is free again.
    const other = await bookVisit(f.services, t.tenantA, request({ patientId: patients[1] ?? '' }));
    // Another patient cannot touch it; it does not exist for them.
    await assert.rejects(
      cancelBooking(f.services, t.tenantA, {
        appointmentId: other.appointmentId,
        by: { patientId: patients[0] ?? '' },
      }),
      (e) => e instanceof FhirError && e.status === 404,
    );
    // Too close to the start for the patient (two hours by default); staff may.
    f.clock.ms = tue('09:00');
    await assert.rejects(
      cancelBooking(f.services, t.tenantA, {
        appointmentId: other.appointmentId,
        by: { patientId: patients[1] ?? '' },
      }),
      (e) => e instanceof FhirError && e.status === 422,
    );
    const cancelled = await cancelBooking(f.services, t.tenantA, {
      appointmentId: other.appointmentId,
      by: 'staff',
      reason: 'Clinician unwell',
    });
    assert.equal(cancelled.status, 'cancelled');
    const appt = await appointment(t, t.tenantA, other.appointmentId);
    assert.equal(appt?.status, 'cancelled');
    assert.equal(appt?.cancelationReason?.text, 'Clinician unwell');
    assert.deepEqual(await events(t, t.tenantA), [
      'appointment.booked',
      'appointment.rescheduled',
      'appointment.booked',
      'appointment.cancelled',
    ]);
    // A cancelled appointment is not changed again.
    await assert.rejects(
      cancelBooking(f.services, t.tenantA, { appointmentId: other.appointmentId, by: 'staff' }),
      (e) => e instanceof FhirError && e.status === 409,
    );
  });

  it('assigns "first available" round-robin by weight across the pool', async () => {
    await configure(
      f,
      t.tenantA,
      [primaryCare30],
      [weekdayClinician('dr-a', { weight: 1 }), weekdayClinician('dr-b', { weight: 2 })],
    );
    const chosen: string[] = [];
    const times = Array.from({ length: 6 }, (_, i) => tue('09:00') + i * 30 * 60_000);
    for (const [i, start] of times.entries()) {
      const anyone = request({ start, patientId: patients[i] ?? '' });
      delete anyone.practitionerId;
      chosen.push((await bookVisit(f.services, t.tenantA, anyone)).practitionerId);
    }
    assert.equal(chosen.filter((c) => c === 'dr-a').length, 2);
    assert.equal(chosen.filter((c) => c === 'dr-b').length, 4);
  });
});
