import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FhirError, operationOutcome } from '../../../platform/http/operation-outcome.js';
import type { Modality, Slot, VisitType } from '../availability/types.js';
import { SERVICE_LINE_SYSTEM, VISIT_TYPE_SYSTEM } from '../booking/appointment-resource.js';
import { markNoShow, checkInBooking } from '../booking/attendance.js';
import { BookingBatcher } from '../booking/booking-batcher.js';
import { searchSlots } from '../booking/search.js';
import { cancelBooking } from '../booking/cancel.js';
import { notFound, SlotTaken } from '../booking/errors.js';
import { bookSeat, createGroupSession, openSessions } from '../booking/group.js';
import { rescheduleBooking } from '../booking/reschedule.js';
import type { BookingServices } from '../booking/services.js';
import { acceptOffer, declineOffer } from '../waitlist/offer.js';
import { joinWaitlist, leaveWaitlist } from '../waitlist/join.js';
import {
  patientFor,
  requireBooker,
  requireScope,
  requireStaff,
  schedulingCaller,
  type SchedulingCaller,
} from './caller.js';
import { OperationInput } from './parameters.js';
import { stateCode } from './us-state.js';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const DAY = 86_400_000;
const MODALITIES: readonly Modality[] = ['video', 'audio', 'in-person'];
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A free time as FHIR: a proposed Appointment (the Argonaut Scheduling `$find` answer shape). */
function proposed(vt: VisitType, slot: Slot, names: Map<string, string>) {
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    serviceCategory: [{ coding: [{ system: SERVICE_LINE_SYSTEM, code: vt.serviceLine }] }],
    appointmentType: { coding: [{ system: VISIT_TYPE_SYSTEM, code: vt.id, display: vt.name }] },
    start: iso(slot.start),
    end: iso(slot.end),
    minutesDuration: vt.durationMin,
    participant: [
      {
        actor: {
          reference: `Practitioner/${slot.practitionerId}`,
          ...(names.has(slot.practitionerId) ? { display: names.get(slot.practitionerId) } : {}),
        },
        required: 'required',
        status: 'needs-action',
      },
    ],
  };
}

/** Clinicians' names for display (a directory fact, not patient data). */
async function practitionerNames(
  s: BookingServices,
  tenantId: number,
  ids: string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  const res = await s.db.query<{ id: string; content: string }>(
    tenantId,
    `SELECT id, content FROM resource WHERE tenant_id = $1 AND res_type = 'Practitioner' AND id = ANY($2) AND NOT deleted`,
    [tenantId, ids],
  );
  for (const r of res.rows) {
    const name = (
      JSON.parse(r.content) as {
        name?: { text?: string; given?: string[]; family?: string; prefix?: string[] }[];
      }
    ).name?.[0];
    const text =
      name?.text ?? [...(name?.prefix ?? []), ...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
    if (text) names.set(r.id, text);
  }
  return names;
}

async function readAppointment(s: BookingServices, tenantId: number, id: string): Promise<string> {
  const stored = await s.db.withTenant(tenantId, (q) => s.fhir.store.read(q, tenantId, 'Appointment', id));
  if (!stored?.content) throw notFound('Appointment');
  return stored.content;
}

async function slotTaken(
  s: BookingServices,
  tenantId: number,
  reply: FastifyReply,
  err: SlotTaken,
  visitTypeId: string,
) {
  const vt = await s.db.withTenant(tenantId, (q) => s.config.visitType(q, tenantId, visitTypeId));
  const names = await practitionerNames(s, tenantId, [
    ...new Set(err.alternatives.map((a) => a.practitionerId)),
  ]);
  const outcome = {
    ...operationOutcome([
      {
        severity: 'error',
        code: 'conflict',
        diagnostics: 'That time was just taken; the alternatives contained here are free now',
      },
    ]),
    ...(vt && err.alternatives.length > 0
      ? { contained: err.alternatives.map((a, i) => ({ id: `alt${i + 1}`, ...proposed(vt, a, names) })) }
      : {}),
  };
  return reply.code(409).type(FHIR_JSON).send(JSON.stringify(outcome));
}

/** Audits a write (before the answer leaves) and wakes the outbox relay for its events. */
function audit(
  s: BookingServices,
  req: FastifyRequest,
  action: 'create' | 'update',
  appointmentId: string,
  patientId: string | null,
) {
  s.onCommitted?.();
  req.auditTrail?.add({
    action,
    outcome: 'success',
    resources: [`Appointment/${appointmentId}`],
    patients: patientId ? [`Patient/${patientId}`] : [],
  });
}

function modalityOf(input: OperationInput): Modality | undefined {
  const m = input.get('modality');
  if (m === undefined) return undefined;
  if (!MODALITIES.includes(m as Modality))
    throw new FhirError(400, {
      severity: 'error',
      code: 'invalid',
      diagnostics: 'Parameter modality is not known',
    });
  return m as Modality;
}

function practitionerOf(input: OperationInput): string | undefined {
  const p = input.get('practitioner')?.replace(/^Practitioner\//, '');
  if (p !== undefined && !/^[A-Za-z0-9\-.]{1,64}$/.test(p))
    throw new FhirError(400, { severity: 'error', code: 'invalid', diagnostics: 'Invalid practitioner id' });
  return p;
}

function changedBy(c: SchedulingCaller, patientId: string | undefined): { patientId: string } | 'staff' {
  if (c.staff) return 'staff';
  return { patientId: patientFor(c, patientId) };
}

/**
 * Scheduling as FHIR operations on Appointment (after the Argonaut Scheduling IG): `$find` free
 * times as proposed Appointments; `$book`; `{id}/$cancel`, `{id}/$reschedule`; the waitlist
 * (`$waitlist`, offers); group sessions; staff's `$no-show` and `$check-in`. Registered inside the
 * FHIR API's access scope: the caller is authenticated, rate-limited and audited like any request.
 */
export function schedulingOperations(app: FastifyInstance, s: BookingServices, prefix: string): void {
  const base = `${prefix}/Appointment`;

  const find = async (req: FastifyRequest) => {
    const c = schedulingCaller(req);
    const input = OperationInput.of(req.method === 'POST' ? req.body : undefined, req.query);
    const now = s.now();
    const from = Math.max(input.instant('start', now), now);
    const to = input.instant('end', from + 7 * DAY);
    if (to <= from || to - from > 92 * DAY)
      throw new FhirError(400, {
        severity: 'error',
        code: 'invalid',
        diagnostics: 'The search window must be 1 to 92 days',
      });
    const limit = input.integer('_count', 100, 1, 1000);
    const practitioner = practitionerOf(input);
    const { vt, slots } = await s.db.withTenant(c.tenantId, async (q) => {
      const vt = await s.config.visitType(q, c.tenantId, input.required('visit-type'));
      if (!vt) throw notFound('Visit type');
      const pool = await s.config.clinicians(q, c.tenantId, {
        serviceLine: vt.serviceLine,
        ...(practitioner ? { practitionerIds: [practitioner] } : {}),
      });
      const state = stateCode(input.get('state'));
      const language = input.get('language');
      const slots = await searchSlots(q, c.tenantId, pool, {
        visitType: vt,
        from,
        to,
        now,
        limit,
        ...(state ? { state } : {}),
        ...(language ? { language } : {}),
      });
      return { vt, slots };
    });
    const names = await practitionerNames(s, c.tenantId, [...new Set(slots.map((x) => x.practitionerId))]);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: slots.length,
      entry: slots.map((slot) => ({ resource: proposed(vt, slot, names), search: { mode: 'match' } })),
    };
  };
  app.get(`${base}/$find`, { schema: { hide: true } }, async (req, reply) =>
    reply.type(FHIR_JSON).send(JSON.stringify(await find(req))),
  );
  app.post(`${base}/$find`, { schema: { hide: true } }, async (req, reply) =>
    reply.type(FHIR_JSON).send(JSON.stringify(await find(req))),
  );

  // Concurrent bookings share transactions (and commits) when they arrive faster than one at a time.
  const bookings = new BookingBatcher(s);
  app.post(`${base}/$book`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    const input = OperationInput.of(req.body, undefined);
    const visitTypeId = input.required('visit-type');
    const patientId = patientFor(c, input.get('patient'));
    const practitionerId = practitionerOf(input);
    const modality = modalityOf(input);
    const state = stateCode(input.get('state'));
    const language = input.get('language');
    try {
      const booked = await bookings.book(c.tenantId, {
        visitTypeId,
        start: input.instant('start'),
        patientId,
        booker: requireBooker(c),
        bookedBy: c.account,
        ...(practitionerId ? { practitionerId } : {}),
        ...(modality ? { modality } : {}),
        ...(state ? { state } : {}),
        ...(language ? { language } : {}),
      });
      audit(s, req, 'create', booked.appointmentId, patientId);
      return reply
        .code(201)
        .type(FHIR_JSON)
        .header(
          'location',
          `${prefix}/Appointment/${booked.appointmentId}/_history/${booked.appointment.versionId}`,
        )
        .send(booked.appointment.content);
    } catch (err) {
      if (err instanceof SlotTaken) return slotTaken(s, c.tenantId, reply, err, visitTypeId);
      throw err;
    }
  });

  app.post(`${base}/:id/$cancel`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    const { id } = req.params as { id: string };
    requireScope(c, 'u');
    const input = OperationInput.of(req.body ?? undefined, undefined);
    const by = changedBy(c, input.get('patient'));
    const waiting = await s.db.query<{ id: string; patient_id: string }>(
      c.tenantId,
      `SELECT id, patient_id FROM sched_waitlist WHERE tenant_id = $1 AND appointment_id = $2`,
      [c.tenantId, id],
    );
    const entry = waiting.rows[0];
    if (entry) {
      await leaveWaitlist(s, c.tenantId, {
        waitlistId: entry.id,
        patientId: by === 'staff' ? entry.patient_id : by.patientId,
      });
      audit(s, req, 'update', id, entry.patient_id);
    } else {
      const reason = input.get('reason');
      const b = await cancelBooking(s, c.tenantId, { appointmentId: id, by, ...(reason ? { reason } : {}) });
      audit(s, req, 'update', id, b.patientId);
    }
    return reply.type(FHIR_JSON).send(await readAppointment(s, c.tenantId, id));
  });

  app.post(`${base}/:id/$reschedule`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    const { id } = req.params as { id: string };
    requireScope(c, 'u');
    const input = OperationInput.of(req.body, undefined);
    const practitionerId = practitionerOf(input);
    const modality = modalityOf(input);
    try {
      const moved = await rescheduleBooking(s, c.tenantId, {
        appointmentId: id,
        start: input.instant('start'),
        by: changedBy(c, input.get('patient')),
        booker: requireBooker(c),
        bookedBy: c.account,
        ...(practitionerId ? { practitionerId } : {}),
        ...(modality ? { modality } : {}),
      });
      const content = moved.appointment.content;
      const patient = (
        JSON.parse(content) as { participant?: { actor?: { reference?: string } }[] }
      ).participant
        ?.map((p) => p.actor?.reference ?? '')
        .find((r) => r.startsWith('Patient/'));
      audit(s, req, 'update', id, patient?.slice('Patient/'.length) ?? null);
      return reply.type(FHIR_JSON).send(content);
    } catch (err) {
      if (err instanceof SlotTaken) {
        const row = await s.db.query<{ visit_type_id: string }>(
          c.tenantId,
          'SELECT visit_type_id FROM sched_booking WHERE tenant_id = $1 AND appointment_id = $2',
          [c.tenantId, id],
        );
        return slotTaken(s, c.tenantId, reply, err, row.rows[0]?.visit_type_id ?? '');
      }
      throw err;
    }
  });

  for (const [op, fn] of [
    ['$no-show', markNoShow],
    ['$check-in', checkInBooking],
  ] as const) {
    app.post(`${base}/:id/${op}`, { schema: { hide: true } }, async (req, reply) => {
      const c = schedulingCaller(req);
      requireStaff(c);
      requireScope(c, 'u');
      const { id } = req.params as { id: string };
      const b = await fn(s, c.tenantId, { appointmentId: id });
      audit(s, req, 'update', id, b.patientId);
      return reply.type(FHIR_JSON).send(await readAppointment(s, c.tenantId, id));
    });
  }

  app.post(`${base}/$waitlist`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    requireBooker(c);
    const input = OperationInput.of(req.body, undefined);
    const patientId = patientFor(c, input.get('patient'));
    const practitionerId = practitionerOf(input);
    const { appointmentId } = await joinWaitlist(s, c.tenantId, {
      patientId,
      visitTypeId: input.required('visit-type'),
      earliest: input.instant('start'),
      latest: input.instant('end'),
      ...(practitionerId ? { practitionerId } : {}),
    });
    audit(s, req, 'create', appointmentId, patientId);
    return reply
      .code(201)
      .type(FHIR_JSON)
      .send(await readAppointment(s, c.tenantId, appointmentId));
  });

  /** The patient's open offers: held times as proposed Appointments, with the offer id to answer. */
  app.get(`${base}/$offers`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    requireScope(c, 'r');
    const input = OperationInput.of(undefined, req.query);
    const patientId = patientFor(c, input.get('patient'));
    const res = await s.db.query<{
      offer: string;
      expires_at: Date;
      practitioner_id: string;
      starts_at: Date;
      ends_at: Date;
      visit_type_id: string;
    }>(
      c.tenantId,
      `SELECT o.id AS offer, o.expires_at, b.practitioner_id, b.starts_at, b.ends_at, b.visit_type_id
         FROM sched_offer o JOIN sched_booking b ON b.tenant_id = o.tenant_id AND b.id = o.booking_id
        WHERE o.tenant_id = $1 AND o.status = 'open' AND b.patient_id = $2 AND o.expires_at > $3
        ORDER BY b.starts_at`,
      [c.tenantId, patientId, new Date(s.now())],
    );
    const names = await practitionerNames(s, c.tenantId, [
      ...new Set(res.rows.map((r) => r.practitioner_id)),
    ]);
    const entry = [];
    for (const r of res.rows) {
      const vt = await s.db.withTenant(c.tenantId, (q) => s.config.visitType(q, c.tenantId, r.visit_type_id));
      if (!vt) continue;
      entry.push({
        resource: {
          ...proposed(
            vt,
            { practitionerId: r.practitioner_id, start: r.starts_at.getTime(), end: r.ends_at.getTime() },
            names,
          ),
          id: r.offer,
          requestedPeriod: [{ end: iso(r.expires_at.getTime()) }],
        },
        search: { mode: 'match' },
      });
    }
    return reply
      .type(FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: entry.length, entry }));
  });

  for (const [op, fn] of [
    ['$accept-offer', acceptOffer],
    ['$decline-offer', declineOffer],
  ] as const) {
    app.post(`${base}/${op}`, { schema: { hide: true } }, async (req, reply) => {
      const c = schedulingCaller(req);
      requireScope(c, 'c');
      const input = OperationInput.of(req.body, undefined);
      const patientId = patientFor(c, input.get('patient'));
      const offerId = input.required('offer');
      if (!/^[0-9a-f-]{36}$/.test(offerId)) throw notFound('Offer');
      const result = await fn(s, c.tenantId, { offerId, patientId });
      if (result) {
        audit(s, req, 'create', result.appointmentId, patientId);
        return reply
          .code(201)
          .type(FHIR_JSON)
          .send(await readAppointment(s, c.tenantId, result.appointmentId));
      }
      return reply.code(204).send();
    });
  }

  app.post(`${base}/$group-session`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    requireStaff(c);
    requireScope(c, 'c');
    const input = OperationInput.of(req.body, undefined);
    const practitionerId = practitionerOf(input);
    if (!practitionerId)
      throw new FhirError(400, {
        severity: 'error',
        code: 'required',
        diagnostics: 'Parameter practitioner is required',
      });
    try {
      const { appointmentId } = await createGroupSession(s, c.tenantId, {
        visitTypeId: input.required('visit-type'),
        practitionerId,
        start: input.instant('start'),
        bookedBy: c.account,
      });
      return reply
        .code(201)
        .type(FHIR_JSON)
        .send(await readAppointment(s, c.tenantId, appointmentId));
    } catch (err) {
      if (err instanceof SlotTaken) return slotTaken(s, c.tenantId, reply, err, input.required('visit-type'));
      throw err;
    }
  });

  app.get(`${base}/$group-sessions`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    const input = OperationInput.of(undefined, req.query);
    const now = s.now();
    const from = Math.max(input.instant('start', now), now);
    const to = input.instant('end', from + 30 * DAY);
    const sessions = await s.db.withTenant(c.tenantId, (q) =>
      openSessions(q, c.tenantId, input.required('visit-type'), from, to),
    );
    const rows = await s.db.query<{ id: string; appointment_id: string }>(
      c.tenantId,
      'SELECT id, appointment_id FROM sched_booking WHERE tenant_id = $1 AND id = ANY($2)',
      [c.tenantId, sessions.map((x) => x.sessionId)],
    );
    const appointmentOf = new Map(rows.rows.map((r) => [r.id, r.appointment_id]));
    const entry = [];
    for (const x of sessions) {
      const id = appointmentOf.get(x.sessionId);
      if (id)
        entry.push({
          resource: JSON.parse(await readAppointment(s, c.tenantId, id)) as unknown,
          search: { mode: 'match' },
        });
    }
    return reply
      .type(FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: entry.length, entry }));
  });

  app.post(`${base}/:id/$join`, { schema: { hide: true } }, async (req, reply) => {
    const c = schedulingCaller(req);
    requireBooker(c);
    const { id } = req.params as { id: string };
    const input = OperationInput.of(req.body ?? undefined, undefined);
    const patientId = patientFor(c, input.get('patient'));
    const session = await s.db.query<{ id: string }>(
      c.tenantId,
      `SELECT id FROM sched_booking WHERE tenant_id = $1 AND appointment_id = $2 AND kind = 'group'`,
      [c.tenantId, id],
    );
    const sessionId = session.rows[0]?.id;
    if (!sessionId) throw notFound('Group session');
    try {
      const seat = await bookSeat(s, c.tenantId, { sessionId, patientId, bookedBy: c.account });
      audit(s, req, 'create', seat.appointmentId, patientId);
      return reply
        .code(201)
        .type(FHIR_JSON)
        .send(await readAppointment(s, c.tenantId, seat.appointmentId));
    } catch (err) {
      if (err instanceof SlotTaken)
        throw new FhirError(409, { severity: 'error', code: 'conflict', diagnostics: 'The session is full' });
      throw err;
    }
  });
}
