import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { createResourcesWithIds } from '../../../fhir/interactions/write.js';
import { newId } from '../../../fhir/storage/resource-store.js';
import type { Settled } from '../../../platform/batching/coalescer.js';
import type { Queryable } from '../../../platform/db/pool.js';
import type { BusyInterval, ClinicianAvailability, Modality, VisitType } from '../availability/types.js';
import { uuidv7 } from '../../../platform/ids/uuid-v7.js';
import { appointmentResource } from './appointment-resource.js';
import { checkRequest, freeOf, instantQuery, type Booked, type BookRequest } from './book.js';
import { calendarAround, type ClinicianDays } from './busy.js';
import { blockedRange } from './engine.js';
import { notFound, SlotTaken } from './errors.js';
import { loadTakes, releaseLoadMany, takeLoadMany } from './load.js';
import { localDayAndWeek } from './local-day.js';
import type { BookingServices } from './services.js';

/** A request the batch leaves to the one-at-a-time path (it needs reads of its own). */
export const ALONE = Symbol('book alone');

export type BatchOutcome = Settled<Booked> | typeof ALONE;

/** A batch could not be decided as a whole (a cap reached); its requests go one at a time. */
export class BatchAbandoned extends Error {}

interface Plan {
  index: number;
  req: BookRequest & { practitionerId: string };
  vt: VisitType;
  clinician: ClinicianAvailability;
  modality: Modality;
  end: number;
  blocked: { start: number; end: number };
  day: string;
  week: string;
}

const DAY = 86_400_000;

/** A local date `n` days after another. */
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * Books many visits of one tenant in one transaction, with the guarantees of `bookVisit` for each:
 * the engine checks every time against the calendar read once for the batch (and against the
 * batch's own earlier bookings), the caps are taken for all at once under row locks, the booking
 * rows go in in one statement under the exclusion constraint — where another transaction took a
 * time first, that booking alone is answered `SlotTaken` — and the Appointments, events and notices
 * are written together. One commit (one WAL flush) for the lot.
 *
 * "First available" and visit types for new or established patients are left to `bookVisit`
 * (`ALONE`). Throws when the batch cannot be decided as a whole; nothing is then written.
 */
export async function bookMany(
  s: BookingServices,
  tenantId: number,
  reqs: readonly BookRequest[],
  now: number,
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = reqs.map(() => ALONE);
  const won = await s.db.transaction(
    tenantId,
    async (q) => {
      const plans = await plan(s, q, tenantId, reqs, outcomes);
      const { accepted, countedDays } = await check(q, tenantId, plans, now, outcomes);
      const takes = loadTakes(accepted);
      if (!(await takeLoadMany(q, tenantId, takes, countedDays)))
        throw new BatchAbandoned('a cap is reached');
      const inserted = await insertBookings(q, tenantId, accepted);
      const lost = accepted.filter((p) => !inserted.has(p.index));
      for (const p of lost) outcomes[p.index] = { ok: false, error: new SlotTaken() };
      await releaseLoadMany(q, tenantId, loadTakes(lost));
      const won = accepted.filter((p) => inserted.has(p.index));
      await record(s, q, tenantId, won, inserted, now, outcomes);
      return won;
    },
    { genericPlans: true },
  );
  for (const p of won) s.counters?.count('booked', p.vt.serviceLine);
  return outcomes;
}

/** Each request's visit type, clinician and rules; those that fail them are answered here. */
async function plan(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  reqs: readonly BookRequest[],
  outcomes: BatchOutcome[],
): Promise<Plan[]> {
  const ids = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => x !== undefined))];
  const { visitTypes: types, clinicians } = await s.config.forBookings(
    q,
    tenantId,
    ids(reqs.map((r) => r.visitTypeId)),
    ids(reqs.map((r) => r.practitionerId)),
  );
  const plans: Plan[] = [];
  reqs.forEach((req, index) => {
    const vt = types.get(req.visitTypeId) ?? null;
    if (!req.practitionerId || (vt && vt.patientKind !== 'any')) return; // ALONE
    try {
      const modality = checkRequest(vt, req);
      if (!vt) throw notFound('Visit type');
      const clinician = clinicians.get(req.practitionerId);
      if (!clinician || !clinician.serviceLines.includes(vt.serviceLine)) throw notFound('Clinician');
      plans.push({
        index,
        req: { ...req, practitionerId: req.practitionerId },
        vt,
        clinician,
        modality,
        end: req.start + vt.durationMin * 60_000,
        blocked: blockedRange(vt, req.start),
        ...localDayAndWeek(req.start, clinician.timeZone),
      });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  });
  return plans;
}

/**
 * The engine's verdict on each time, in (clinician, start) order — the order the rows are inserted
 * in, so batches meet each other's rows in one order. A time the batch itself took earlier counts
 * as taken.
 */
async function check(
  q: Queryable,
  tenantId: number,
  plans: Plan[],
  now: number,
  outcomes: BatchOutcome[],
): Promise<{ accepted: Plan[]; countedDays: Set<string> }> {
  plans.sort((a, b) =>
    a.req.practitionerId !== b.req.practitionerId
      ? a.req.practitionerId < b.req.practitionerId
        ? -1
        : 1
      : a.req.start - b.req.start,
  );
  const reach = (p: Plan) => (p.vt.bufferBeforeMin + p.vt.durationMin + p.vt.bufferAfterMin + 1) * 60_000;
  // The caps count the booking's local day, and for a week cap the days of its ISO week.
  const days = new Map<string, ClinicianDays>();
  for (const p of plans) {
    const c = p.clinician;
    if (c.maxPerDay === undefined && c.maxPerWeek === undefined) continue;
    const [fromDate, toDate] = c.maxPerWeek === undefined ? [p.day, p.day] : [p.week, addDays(p.week, 6)];
    const key = `${c.practitionerId} ${fromDate}`;
    if (!days.has(key))
      days.set(key, { practitionerId: c.practitionerId, timeZone: c.timeZone, fromDate, toDate });
  }
  const { taken, counted, countedDays } = await calendarAround(
    q,
    tenantId,
    plans.map((p) => ({
      practitionerId: p.req.practitionerId,
      from: p.req.start - reach(p),
      to: p.req.start + reach(p),
    })),
    [...days.values()],
  );
  const calendars = new Map<string, BusyInterval[]>();
  const calendarOf = (id: string) => {
    let busy = calendars.get(id);
    if (!busy) calendars.set(id, (busy = []));
    return busy;
  };
  // The taken rows count too: keep them out of the caps, the markers already hold every booking.
  for (const b of taken) calendarOf(b.practitionerId).push({ ...b, counts: false });
  for (const b of counted) calendarOf(b.practitionerId).push(b);
  const accepted: Plan[] = [];
  for (const p of plans) {
    const busy = calendarOf(p.req.practitionerId);
    try {
      freeOf(instantQuery(p.vt, p.req, [p.clinician], now), [p.clinician], busy);
      accepted.push(p);
      busy.push({
        practitionerId: p.req.practitionerId,
        start: p.blocked.start,
        end: p.blocked.end,
        counts: true,
        appointmentStart: p.req.start,
      });
    } catch (error) {
      outcomes[p.index] = { ok: false, error };
    }
  }
  return { accepted, countedDays };
}

interface Ids {
  bookingId: string;
  appointmentId: string;
}

/**
 * The booking rows and their events, in one statement. A time another transaction holds is skipped
 * (the exclusion constraint as the arbiter of ON CONFLICT DO NOTHING), not an error: the others
 * still book, and only the rows that went in get an event. Answers their ids by plan index.
 */
async function insertBookings(q: Queryable, tenantId: number, plans: Plan[]): Promise<Map<number, Ids>> {
  if (plans.length === 0) return new Map();
  const ids = plans.map((): Ids => ({ bookingId: uuidv7(), appointmentId: newId() }));
  const res = await q.prepared<{ id: string }>(
    'sched_insert_bookings',
    `WITH src AS MATERIALIZED (
       SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                            $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::text[], $12::date[],
                            $13::date[], $14::text[], $15::uuid[], $16::text[])
         AS b(id, p, patient, vt, modality, s, e, bs, be, appt, day, week, by, event, line)),
     ins AS (
       INSERT INTO sched_booking (tenant_id, id, practitioner_id, patient_id, visit_type_id, modality,
         starts_at, ends_at, blocked, status, appointment_id, local_date, local_week, booked_by, version)
       SELECT $1, b.id, b.p, b.patient, b.vt, b.modality, b.s, b.e, tstzrange(b.bs, b.be), 'booked', b.appt,
              b.day, b.week, b.by, 1
         FROM src b
       ON CONFLICT DO NOTHING
       RETURNING id),
     ev AS (
       INSERT INTO outbox (tenant_id, event_id, topic, type, payload)
       SELECT $1, b.event, 'scheduling', 'appointment.booked',
              jsonb_build_object('bookingId', b.id, 'appointmentId', b.appt, 'status', 'booked',
                'visitTypeId', b.vt, 'serviceLine', b.line,
                'start', to_char(b.s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         FROM src b JOIN ins ON ins.id = b.id)
     SELECT id FROM ins`,
    [
      tenantId,
      ids.map((i) => i.bookingId),
      plans.map((p) => p.req.practitionerId),
      plans.map((p) => p.req.patientId),
      plans.map((p) => p.vt.id),
      plans.map((p) => p.modality),
      plans.map((p) => new Date(p.req.start)),
      plans.map((p) => new Date(p.end)),
      plans.map((p) => new Date(p.blocked.start)),
      plans.map((p) => new Date(p.blocked.end)),
      ids.map((i) => i.appointmentId),
      plans.map((p) => p.day),
      plans.map((p) => p.week),
      plans.map((p) => p.req.bookedBy),
      plans.map(() => uuidv7()),
      plans.map((p) => p.vt.serviceLine),
    ],
  );
  const kept = new Set(res.rows.map((r) => r.id));
  const inserted = new Map<number, Ids>();
  plans.forEach((p, i) => {
    const id = ids[i] as Ids;
    if (kept.has(id.bookingId)) inserted.set(p.index, id);
  });
  return inserted;
}

/** The Appointments, events and notices of the bookings that went in; their answers. */
async function record(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  won: Plan[],
  ids: Map<number, Ids>,
  now: number,
  outcomes: BatchOutcome[],
): Promise<void> {
  if (won.length === 0) return;
  const rows = won.map((p) => ({ p, ...(ids.get(p.index) as Ids) }));
  const stored = await createResourcesWithIds(
    s.fhir,
    { tenantId, access: OPEN_ACCESS, q },
    'Appointment',
    rows.map(({ p, bookingId }) =>
      appointmentResource({
        bookingId,
        status: 'booked',
        visitType: p.vt,
        modality: p.modality,
        practitionerId: p.req.practitionerId,
        patientId: p.req.patientId,
        start: p.req.start,
        end: p.end,
        created: now,
      }),
    ),
    rows.map((r) => r.appointmentId),
  );
  await s.notices?.bookingsChanged(
    q,
    tenantId,
    rows.map(({ p, bookingId }) => ({
      bookingId,
      patientId: p.req.patientId,
      kind: 'confirmation' as const,
      version: 1,
      startsAt: new Date(p.req.start),
    })),
  );
  rows.forEach(({ p, bookingId, appointmentId }, i) => {
    const version = stored[i];
    if (!version) throw new Error('an Appointment was not stored');
    outcomes[p.index] = {
      ok: true,
      value: {
        bookingId,
        appointmentId,
        practitionerId: p.req.practitionerId,
        start: p.req.start,
        end: p.end,
        version: 1,
        appointment: { content: version.content ?? '', versionId: version.versionId },
      },
    };
  });
}
