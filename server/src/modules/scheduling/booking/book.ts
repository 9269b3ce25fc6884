import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { createResource, updateResource } from '../../../fhir/interactions/write.js';
import { newId } from '../../../fhir/storage/resource-store.js';
import type { Queryable } from '../../../platform/db/pool.js';
import type {
  Booker,
  BusyInterval,
  ClinicianAvailability,
  Modality,
  Slot,
  SlotQuery,
  VisitType,
} from '../availability/types.js';
import { emit } from '../events.js';
import { appointmentResource } from './appointment-resource.js';
import { blockedRange, findSlots } from './engine.js';
import { isDeadlock, isOverlap, notFound, refused, SlotTaken } from './errors.js';
import { takeLoad } from './load.js';
import { localDayAndWeek } from './local-day.js';
import { calendar, searchSlots } from './search.js';
import { chooseClinician } from './rotation.js';
import type { BookingServices } from './services.js';

export interface BookRequest {
  visitTypeId: string;
  /** A given clinician; absent for "first available" across the service line's pool. */
  practitionerId?: string;
  start: number;
  patientId: string;
  modality?: Modality;
  /** Who books, by role: checked against the visit type's `bookableBy`. */
  booker: Booker;
  /** The account that booked (recorded, not shown to patients). */
  bookedBy: string;
  /** The patient's state and language: first available only offers clinicians who fit. */
  state?: string;
  language?: string;
}

export interface Booked {
  bookingId: string;
  appointmentId: string;
  practitionerId: string;
  start: number;
  end: number;
  version: number;
  /** The Appointment as stored (the answer's body) and its version. */
  appointment: { content: string; versionId: number };
}

const DAY = 86_400_000;
/** Bookings of the same service line within this long make a patient established. */
const ESTABLISHED_WITHIN = 3 * 365 * DAY;

/**
 * Books a visit atomically: the time is checked against the clinician's availability and the visit
 * type's rules, the caps are taken, the booking row is inserted under the exclusion constraint (two
 * bookings of one clinician never overlap, whatever runs concurrently), and the FHIR Appointment, the
 * event and the notices are written in the same transaction. A lost race is `SlotTaken` with fresh
 * alternatives.
 */
export async function bookVisit(s: BookingServices, tenantId: number, req: BookRequest): Promise<Booked> {
  const now = s.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await s.db.transaction(tenantId, (q) => bookInTransaction(s, q, tenantId, req, now));
    } catch (err) {
      // A batch of bookings (book-many.ts) and this one may wait on each other's rows in a circle;
      // PostgreSQL then aborts one of them, which is safe to run again.
      if (isDeadlock(err) && attempt < 3) continue;
      throw await withAlternatives(s, tenantId, req, now, err);
    }
  }
}

/** A lost race (`SlotTaken`, or the exclusion constraint itself) becomes `SlotTaken` with alternatives. */
export async function withAlternatives(
  s: BookingServices,
  tenantId: number,
  req: BookRequest,
  now: number,
  err: unknown,
): Promise<unknown> {
  if (!(err instanceof SlotTaken) && !isOverlap(err)) return err;
  const vt = await s.db.withTenant(tenantId, (q) => s.config.visitType(q, tenantId, req.visitTypeId));
  s.counters?.count('conflict', vt?.serviceLine ?? 'unknown');
  return new SlotTaken(vt ? await alternatives(s, tenantId, vt, req, now) : []);
}

/** A booking that replaces another (reschedule): the Appointment keeps its id and moves. */
export interface Replacing {
  bookingId: string;
  appointmentId: string;
  version: number;
}

/** The booking itself, in the caller's transaction (book, reschedule, accepting a waitlist offer). */
export async function bookInTransaction(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  req: BookRequest,
  now: number,
  replacing?: Replacing,
): Promise<Booked> {
  const vt = await s.config.visitType(q, tenantId, req.visitTypeId);
  const modality = checkRequest(vt, req);
  if (!vt) throw notFound('Visit type');
  const pool = await s.config.clinicians(q, tenantId, {
    serviceLine: vt.serviceLine,
    ...(req.practitionerId ? { practitionerIds: [req.practitionerId] } : {}),
  });
  if (req.practitionerId && pool.length === 0) throw notFound('Clinician');
  if (!replacing) await checkPatientKind(q, tenantId, vt, req.patientId, now);

  const candidates = await freeAt(q, tenantId, vt, pool, req, now);
  const practitionerId =
    req.practitionerId ?? (await chooseClinician(q, tenantId, vt.serviceLine, pool, candidates));
  const clinician = pool.find((c) => c.practitionerId === practitionerId);
  if (!clinician) throw new SlotTaken();
  const end = req.start + vt.durationMin * 60_000;
  const blocked = blockedRange(vt, req.start);
  const { day, week } = localDayAndWeek(req.start, clinician.timeZone);
  if (!(await takeLoad(q, tenantId, clinician, day, week))) throw new SlotTaken();

  const bookingId = crypto.randomUUID();
  const appointmentId = replacing?.appointmentId ?? newId();
  const version = replacing ? replacing.version + 1 : 1;
  await q.prepared(
    'sched_insert_booking',
    `INSERT INTO sched_booking (tenant_id, id, practitioner_id, patient_id, visit_type_id, modality,
       starts_at, ends_at, blocked, status, appointment_id, local_date, local_week, booked_by,
       rescheduled_from, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, tstzrange($9, $10), 'booked', $11, $12, $13, $14, $15, $16)`,
    [
      tenantId,
      bookingId,
      practitionerId,
      req.patientId,
      vt.id,
      modality,
      new Date(req.start),
      new Date(end),
      new Date(blocked.start),
      new Date(blocked.end),
      appointmentId,
      day,
      week,
      req.bookedBy,
      replacing?.bookingId ?? null,
      version,
    ],
  );
  const appointment = appointmentResource({
    bookingId,
    status: 'booked',
    visitType: vt,
    modality,
    practitionerId,
    patientId: req.patientId,
    start: req.start,
    end,
    created: now,
  });
  const scope = { tenantId, access: OPEN_ACCESS, q };
  const { stored } = replacing
    ? await updateResource(s.fhir, scope, 'Appointment', appointmentId, { ...appointment, id: appointmentId })
    : await createResource(s.fhir, scope, 'Appointment', appointment, undefined, appointmentId);
  await emit(q, tenantId, replacing ? 'appointment.rescheduled' : 'appointment.booked', {
    bookingId,
    appointmentId,
    status: 'booked',
    visitTypeId: vt.id,
    serviceLine: vt.serviceLine,
    start: new Date(req.start).toISOString(),
    ...(replacing ? { replaces: replacing.bookingId } : {}),
  });
  await s.notices?.bookingChanged(q, tenantId, {
    bookingId,
    patientId: req.patientId,
    kind: replacing ? 'changed' : 'confirmation',
    version,
    startsAt: new Date(req.start),
  });
  s.counters?.count(replacing ? 'rescheduled' : 'booked', vt.serviceLine);
  return {
    bookingId,
    appointmentId,
    practitionerId,
    start: req.start,
    end,
    version,
    appointment: { content: stored.content ?? '', versionId: stored.versionId },
  };
}

/** The visit type's rules for who books and how; the modality the visit will have. */
export function checkRequest(vt: VisitType | null, req: BookRequest): Modality {
  if (!vt) throw notFound('Visit type');
  if (!vt.bookableBy.includes(req.booker))
    throw refused('This visit type cannot be booked this way; please contact the clinic', 403);
  if (vt.groupCapacity > 1) throw refused('This is a group visit: book a seat in one of its sessions');
  const modality = req.modality ?? vt.modalities[0] ?? 'video';
  if (!vt.modalities.includes(modality)) throw refused('The visit type is not offered that way');
  return modality;
}

/** `new` visit types are for patients the service line has not seen lately; `established` the opposite. */
async function checkPatientKind(
  q: Queryable,
  tenantId: number,
  vt: VisitType,
  patientId: string,
  now: number,
) {
  if (vt.patientKind === 'any') return;
  const res = await q.query<{ seen: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM sched_booking b JOIN sched_visit_type t ON t.tenant_id = b.tenant_id AND t.id = b.visit_type_id
        WHERE b.tenant_id = $1 AND b.patient_id = $2 AND t.service_line = $3
          AND b.status IN ('booked', 'checked-in', 'fulfilled') AND b.starts_at > $4) AS seen`,
    [tenantId, patientId, vt.serviceLine, new Date(now - ESTABLISHED_WITHIN)],
  );
  const seen = res.rows[0]?.seen === true;
  if (vt.patientKind === 'new' && seen) throw refused('This visit type is for new patients');
  if (vt.patientKind === 'established' && !seen) throw refused('This visit type is for established patients');
}

/**
 * The clinicians of the pool free at exactly `req.start` by the engine's rules. When none is, the
 * time is either taken (409 with alternatives) or never was a time on offer (422).
 */
export async function freeAt(
  q: Queryable,
  tenantId: number,
  vt: VisitType,
  pool: ClinicianAvailability[],
  req: BookRequest,
  now: number,
): Promise<string[]> {
  const query = instantQuery(vt, req, pool, now);
  return freeOf(query, pool, await calendar(q, tenantId, pool, query, req.start));
}

/** The engine's question "who of `pool` is free at exactly `req.start`?" */
export function instantQuery(
  vt: VisitType,
  req: Pick<BookRequest, 'start' | 'state' | 'language'>,
  pool: readonly ClinicianAvailability[],
  now: number,
): SlotQuery {
  return {
    visitType: vt,
    from: req.start,
    to: req.start,
    now,
    practitionerIds: pool.map((c) => c.practitionerId),
    ...(req.state ? { state: req.state } : {}),
    ...(req.language ? { language: req.language } : {}),
  };
}

/**
 * The clinicians free at the one instant `query` asks about, given their calendars; when none is,
 * the time is either taken (`SlotTaken`) or never was a time on offer (422).
 */
export function freeOf(query: SlotQuery, pool: ClinicianAvailability[], busy: BusyInterval[]): string[] {
  const free = findSlots(query, pool, busy).filter((slot) => slot.start === query.from);
  if (free.length > 0) return free.map((slot) => slot.practitionerId);
  const offered = findSlots(query, pool, []).some((slot) => slot.start === query.from);
  if (offered) throw new SlotTaken();
  throw refused('That time is not offered for this visit type');
}

/**
 * The next free times after a lost race: the same clinician's first, then anyone's, earliest first.
 * Two small searches (the clinician alone, then the line for what is still missing) rather than one
 * wide one: in a surge many bookings lose, and each answer must stay cheap.
 */
export async function alternatives(
  s: BookingServices,
  tenantId: number,
  vt: VisitType,
  req: Pick<BookRequest, 'practitionerId' | 'start' | 'state' | 'language'>,
  now: number,
  count = 5,
): Promise<Slot[]> {
  return s.db.withTenant(tenantId, async (q) => {
    const pool = await s.config.clinicians(q, tenantId, { serviceLine: vt.serviceLine });
    const from = Math.max(req.start, now);
    const query = {
      visitType: vt,
      from,
      to: from + 14 * DAY,
      now,
      ...(req.state ? { state: req.state } : {}),
      ...(req.language ? { language: req.language } : {}),
    };
    const own = pool.filter((c) => c.practitionerId === req.practitionerId);
    const mine = own.length > 0 ? await searchSlots(q, tenantId, own, { ...query, limit: count }) : [];
    if (mine.length >= count) return mine;
    const others = (await searchSlots(q, tenantId, pool, { ...query, limit: count + mine.length })).filter(
      (slot) => slot.practitionerId !== req.practitionerId,
    );
    return [...mine, ...others].slice(0, count);
  });
}
