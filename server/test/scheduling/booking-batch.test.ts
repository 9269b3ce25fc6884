import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import pg from 'pg';
import { bookInTransaction, type BookRequest } from '../../src/modules/scheduling/booking/book.js';
import { ALONE, BatchAbandoned, bookMany } from '../../src/modules/scheduling/booking/book-many.js';
import { BookingBatcher } from '../../src/modules/scheduling/booking/booking-batcher.js';
import { SlotTaken } from '../../src/modules/scheduling/booking/errors.js';
import { noticeQueue } from '../../src/modules/scheduling/notify/queue.js';
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
import { createPatient } from './notify-support.js';

// Monday 2026-12-07, 08:00 in New York (EST, UTC−5).
const NOW = Date.parse('2026-12-07T13:00:00Z');
/** Tuesday 2026-12-08 at a New York wall time. */
const tue = (hhmm: string) => Date.parse(`2026-12-08T${hhmm}:00-05:00`);

async function count(t: TestDatabase, tenantId: number, sql: string): Promise<number> {
  const res = await t.db.query<{ n: string }>(tenantId, sql, [tenantId]);
  return Number(res.rows[0]?.n);
}

const liveBookings = (t: TestDatabase, tenantId: number) =>
  count(t, tenantId, `SELECT count(*) AS n FROM sched_booking WHERE tenant_id = $1 AND status = 'booked'`);

/** Returns once some session waits on a row lock of a scheduling table (the batch under test). */
async function waitForLockWait(watcher: pg.Client): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const waiting = await watcher.query(
      `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%sched_%'`,
    );
    if (waiting.rowCount) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the batch never waited for the uncommitted booking');
}

describe('booking in batches', { timeout: 240_000 }, () => {
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

  it('answers each member of a batch on its own: booked, taken by the batch, refused, not found, or left alone', async () => {
    await configure(
      f,
      t.tenantA,
      [primaryCare30, { ...primaryCare30, id: 'pc-new', patientKind: 'new' }],
      [weekdayClinician('dr-a'), weekdayClinician('dr-b')],
    );
    const outcomes = await bookMany(
      f.services,
      t.tenantA,
      [
        request({}),
        request({ patientId: patients[1] ?? '' }), // the same time: the batch's first takes it
        request({ practitionerId: 'dr-b' }),
        request({ start: tue('07:00') }), // before the clinician's hours
        request({ visitTypeId: 'no-such-type' }),
        request({ practitionerId: 'dr-nobody' }),
        request({ practitionerId: undefined }), // first available: booked alone
        request({ visitTypeId: 'pc-new' }), // new patients only: booked alone
      ],
      NOW,
    );
    const [first, second, other, early, noType, noClinician, firstAvailable, newOnly] = outcomes;
    assert.ok(first !== ALONE && first?.ok);
    assert.equal(first.value.practitionerId, 'dr-a');
    assert.ok(other !== ALONE && other?.ok);
    assert.equal(other.value.practitionerId, 'dr-b');
    assert.ok(second !== ALONE && second && !second.ok && second.error instanceof SlotTaken);
    for (const [o, status] of [
      [early, 422],
      [noType, 404],
      [noClinician, 404],
    ] as const)
      assert.ok(o !== ALONE && o && !o.ok && o.error instanceof FhirError && o.error.status === status);
    assert.equal(firstAvailable, ALONE);
    assert.equal(newOnly, ALONE);

    // What a single booking writes, each booked member has: its row, its Appointment, its event.
    assert.equal(await liveBookings(t, t.tenantA), 2);
    const stored = await t.db.query<{ content: string }>(
      t.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Appointment' AND id = ANY($2)`,
      [t.tenantA, [first.value.appointmentId, other.value.appointmentId]],
    );
    assert.equal(stored.rows.length, 2);
    for (const row of stored.rows)
      assert.equal((JSON.parse(row.content) as { status: string }).status, 'booked');
    assert.equal(JSON.parse(first.value.appointment.content).id, first.value.appointmentId);
    assert.equal(
      await count(
        t,
        t.tenantA,
        `SELECT count(*) AS n FROM outbox WHERE tenant_id = $1 AND topic = 'scheduling' AND type = 'appointment.booked'`,
      ),
      2,
    );
    assert.equal(f.counters.get('booked'), 2);
  });

  it('enqueues each booked member’s confirmation and reminders, as a single booking does', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a')]);
    const ana = await createPatient(t, t.tenantA, {
      given: 'Ana',
      family: 'Batch',
      email: 'ana@example.org',
      mobile: '+15550100',
      channels: ['email', 'sms'],
    });
    const ben = await createPatient(t, t.tenantA, {
      given: 'Ben',
      family: 'Batch',
      email: 'ben@example.org',
    });
    const services = {
      ...f.services,
      notices: noticeQueue({ reminderOffsetsMin: [1440, 60], now: f.clock.now }),
    };
    const outcomes = await bookMany(
      services,
      t.tenantA,
      [
        request({ patientId: ana }),
        request({ patientId: ben, start: tue('11:00') }),
        request({ patientId: ben, start: tue('11:00') }), // taken by the one before: no notices of its own
      ],
      NOW,
    );
    const ids = outcomes.map((o) => (o !== ALONE && o.ok ? o.value.bookingId : undefined));
    assert.equal(ids.filter(Boolean).length, 2);
    const res = await t.db.query<{ booking_id: string; idem_key: string; kind: string; channel: string }>(
      t.tenantA,
      `SELECT booking_id, idem_key, kind, channel FROM sched_notice WHERE tenant_id = $1 ORDER BY idem_key`,
      [t.tenantA],
    );
    const of = (id: string | undefined) =>
      res.rows.filter((r) => r.booking_id === id).map((r) => `${r.kind}/${r.channel}`);
    // Tuesday 10:00 is 25 hours ahead: both reminders are still to come.
    assert.deepEqual(of(ids[0]).sort(), [
      'confirmation/email',
      'confirmation/sms',
      'reminder/email',
      'reminder/email',
      'reminder/sms',
      'reminder/sms',
    ]);
    assert.deepEqual(of(ids[1]).sort(), ['confirmation/email', 'reminder/email', 'reminder/email']);
    assert.equal(res.rows.length, 9);
    assert.ok(res.rows.some((r) => r.idem_key === `${ids[0]}:confirmation:v1:sms`));
  });

  it('500 concurrent attempts on 50 open times through the batcher: exactly 50 appointments, 450 conflicts', async () => {
    const clinicians = ['dr-1', 'dr-2', 'dr-3', 'dr-4', 'dr-5'].map((id) =>
      weekdayClinician(id, {
        maxPerDay: 40,
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
    const batcher = new BookingBatcher(f.services);
    const outcomes = await Promise.allSettled(attempts.map((a) => batcher.book(t.tenantA, a)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(won.length, 50);
    assert.equal(lost.length, 450);
    for (const o of lost) assert.ok(o.status === 'rejected' && o.reason instanceof SlotTaken, String(o));
    assert.equal(await doubleBookings(t, t.tenantA), 0);
    assert.equal(await liveBookings(t, t.tenantA), 50);
    // Batches really formed (more bookings than transactions), and the caps' counts stayed true.
    const { batches, items, abandoned } = batcher.stats();
    assert.ok(items > batches, `${items} attempts in ${batches} batches`);
    assert.ok(abandoned < batches / 2, `${abandoned} of ${batches} batches fell back to one at a time`);
    assert.equal(
      await count(
        t,
        t.tenantA,
        `SELECT sum(booked) AS n FROM sched_load WHERE tenant_id = $1 AND period = 'day' AND starts_on = '2026-12-08'`,
      ),
      50,
    );
  });

  it('keeps to a cap per day within a batch: members past the cap are answered as taken', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a', { maxPerDay: 3 })]);
    const batcher = new BookingBatcher(f.services, { maxInFlight: 1, minBatch: 10, lingerMs: 50 });
    const times = Array.from({ length: 10 }, (_, i) => tue('09:00') + i * 30 * 60_000);
    const outcomes = await Promise.allSettled(
      times.map((start, i) => batcher.book(t.tenantA, request({ start, patientId: patients[i] ?? '' }))),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
    for (const o of outcomes.filter((x) => x.status === 'rejected'))
      assert.ok(o.status === 'rejected' && o.reason instanceof SlotTaken);
    assert.equal(await liveBookings(t, t.tenantA), 3);
    assert.equal(
      await count(t, t.tenantA, `SELECT booked AS n FROM sched_load WHERE tenant_id = $1 AND period = 'day'`),
      3,
    );
    // The batch's own check stopped at the cap: nothing had to be redone one at a time.
    assert.deepEqual(
      { batches: batcher.stats().batches, abandoned: batcher.stats().abandoned },
      { batches: 2, abandoned: 0 },
    );
  });

  it('gives up a batch whole when a cap fills under it, writing nothing', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a', { maxPerDay: 3 })]);
    const watcher = new pg.Client({ connectionString: t.url });
    await watcher.connect();
    try {
      let batch: Promise<unknown> | undefined;
      await t.db.transaction(t.tenantA, async (q) => {
        for (const [i, at] of ['09:00', '09:30'].entries())
          await bookInTransaction(
            f.services,
            q,
            t.tenantA,
            request({ start: tue(at), patientId: patients[i] ?? '' }),
            NOW,
          );
        // The batch sees an empty day, so both of its bookings fit; the cap is full once this commits.
        batch = bookMany(
          f.services,
          t.tenantA,
          [request({ start: tue('11:00') }), request({ start: tue('11:30') })],
          NOW,
        ).catch((e: unknown) => e);
        await waitForLockWait(watcher);
      });
      assert.ok((await batch) instanceof BatchAbandoned);
      assert.equal(await liveBookings(t, t.tenantA), 2);
      assert.equal(
        await count(
          t,
          t.tenantA,
          `SELECT booked AS n FROM sched_load WHERE tenant_id = $1 AND period = 'day'`,
        ),
        2,
      );
    } finally {
      await watcher.end();
    }
  });

  it('loses a time to a transaction it could not see, gives that cap back, and books the rest', async () => {
    await configure(f, t.tenantA, [primaryCare30], [weekdayClinician('dr-a', { maxPerDay: 10 })]);
    const watcher = new pg.Client({ connectionString: t.url });
    await watcher.connect();
    try {
      let batch: ReturnType<typeof bookMany> | undefined;
      await t.db.transaction(t.tenantA, async (q) => {
        await bookInTransaction(f.services, q, t.tenantA, request({ patientId: patients[5] ?? '' }), NOW);
        // The batch reads the calendar without this uncommitted booking, then waits on its rows.
        batch = bookMany(f.services, t.tenantA, [request({}), request({ start: tue('11:00') })], NOW);
        await waitForLockWait(watcher);
      });
      const [taken, booked] = (await batch) ?? [];
      assert.ok(taken !== ALONE && taken && !taken.ok && taken.error instanceof SlotTaken);
      assert.ok(booked !== ALONE && booked?.ok);
      assert.equal(await liveBookings(t, t.tenantA), 2);
      assert.equal(await doubleBookings(t, t.tenantA), 0);
      assert.equal(
        await count(
          t,
          t.tenantA,
          `SELECT booked AS n FROM sched_load WHERE tenant_id = $1 AND period = 'day'`,
        ),
        2,
      );
    } finally {
      await watcher.end();
    }
  });
});
