import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import { patientFor } from '../../scheduling/http/caller.js';
import { satisfactionResponse, SATISFACTION_QUESTIONNAIRE, SurveyError } from '../checkin/index.js';
import { admit, cancelVisit, endVisit } from '../flows/admission.js';
import { checkIn, intakeFor, type CheckInInput } from '../flows/check-in.js';
import { openOnDemandVisit, openVisitForAppointment } from '../flows/open.js';
import {
  forbidden,
  participantKind,
  visitCaller,
  visitNotFound,
  type VisitCaller,
} from '../flows/participant.js';
import { queuesOfClinician, queueSnapshot } from '../flows/queue.js';
import { createInVisit, ensureDefinition, readJson } from '../flows/resources.js';
import type { VisitSockets } from '../live/visit-sockets.js';
import type { VisitServices } from '../services.js';
import { openVisitsOfPatient, readVisit, type VisitRow } from '../store/visit-row.js';
import { currentModality, visitSummary, visitSummarySchema } from './summary.js';

const anyObject = { type: 'object', additionalProperties: true } as const;
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
const emptyBody = { type: ['object', 'null'], additionalProperties: false } as const;

type Audited = 'join' | 'admit' | 'end' | 'check-in' | 'cancel';

/** Join, admission, the end and check-in are audited as operations on the visit's Encounter. */
function audit(
  req: FastifyRequest,
  op: Audited,
  v: Pick<VisitRow, 'id' | 'patientId'>,
  outcome: 'success' | 'denied' = 'success',
) {
  req.auditTrail?.add({
    action: 'operation',
    outcome,
    ...(outcome === 'denied' ? { outcomeCode: 'not-participant' } : {}),
    resources: [`Encounter/${v.id}`],
    patients: [`Patient/${v.patientId}`],
    query: `Encounter/${v.id}/$${op}`,
  });
}

/**
 * The visit API under `/api/visits` (JSON; in the same authenticated, audited scope as the
 * scheduling API): opening a visit, check-in, the clinician's queue, join (a ticket for the
 * socket), admission, the end, the survey and the phone bridge.
 */
export function visitRoutes(
  app: FastifyInstance,
  s: VisitServices,
  live: VisitSockets,
  prefix: string,
): void {
  /** The visit and how the caller takes part; a non-participant's attempt is audited as denied. */
  async function visitFor(req: FastifyRequest, c: VisitCaller, id: string, op?: Audited) {
    const found = await s.db.withTenant(c.tenantId, async (q) => {
      const v = await readVisit(q, c.tenantId, id);
      if (!v) return null;
      try {
        return { v, as: await participantKind(q, c, v) };
      } catch (err) {
        if (op) audit(req, op, v, 'denied');
        throw err;
      }
    });
    if (!found) throw visitNotFound();
    return found;
  }

  app.post(
    `${prefix}/appointments/:id`,
    { schema: { params: idParams, body: emptyBody, response: { 200: visitSummarySchema } } },
    async (req) => {
      const c = visitCaller(req);
      const { id } = req.params as { id: string };
      const { visit, as } = await openVisitForAppointment(s, c, id);
      s.onCommitted?.();
      return visitSummary(visit, as);
    },
  );

  app.post(
    `${prefix}/on-demand`,
    {
      schema: {
        body: {
          type: 'object',
          required: ['serviceLine'],
          additionalProperties: false,
          properties: {
            serviceLine: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
            patient: { type: 'string', maxLength: 80 },
          },
        },
        response: { 200: visitSummarySchema },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      if (c.staff) throw forbidden('Patients join an on-demand queue themselves');
      const body = req.body as { serviceLine: string; patient?: string };
      const visit = await openOnDemandVisit(s, c, body.serviceLine, patientFor(c, body.patient));
      s.onCommitted?.();
      return visitSummary(visit, 'patient');
    },
  );

  app.get(
    `${prefix}/mine`,
    {
      schema: {
        querystring: { type: 'object', properties: {} },
        response: { 200: { type: 'array', items: visitSummarySchema } },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      if (c.staff || !c.patients) return [];
      const patients = c.patients;
      return s.db.withTenant(c.tenantId, async (q) => {
        const all: VisitRow[] = [];
        for (const p of patients) all.push(...(await openVisitsOfPatient(q, c.tenantId, p)));
        return all.map((v) => visitSummary(v, 'patient'));
      });
    },
  );

  app.get(
    `${prefix}/:id`,
    { schema: { params: idParams, response: { 200: visitSummarySchema } } },
    async (req) => {
      const c = visitCaller(req);
      const { v, as } = await visitFor(req, c, (req.params as { id: string }).id);
      return visitSummary(v, as);
    },
  );

  app.get(
    `${prefix}/:id/intake`,
    { schema: { params: idParams, response: { 200: anyObject } } },
    async (req) => {
      const c = visitCaller(req);
      const { v } = await visitFor(req, c, (req.params as { id: string }).id);
      return intakeFor(s, c.tenantId, v);
    },
  );

  app.post(
    `${prefix}/:id/check-in`,
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['birthDate', 'answers', 'consent', 'deviceCheck'],
          additionalProperties: false,
          properties: {
            birthDate: { type: 'string', maxLength: 10 },
            answers: { type: 'object', additionalProperties: true },
            consent: { type: 'boolean' },
            deviceCheck: { type: 'object', additionalProperties: true },
          },
        },
        response: { 200: visitSummarySchema },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      const { id } = req.params as { id: string };
      const v = await checkIn(s, c, id, req.body as CheckInInput);
      audit(req, 'check-in', v);
      s.onCommitted?.();
      live.visitChanged(c.tenantId, v, null);
      return visitSummary(v, 'patient');
    },
  );

  app.post(
    `${prefix}/:id/join`,
    {
      schema: {
        params: idParams,
        body: emptyBody,
        response: {
          200: {
            type: 'object',
            properties: {
              ticket: { type: 'string' },
              participantId: { type: 'string' },
              role: { type: 'string' },
              status: { type: 'string' },
              socketPath: { type: 'string' },
            },
          },
        },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      const { v, as } = await visitFor(req, c, (req.params as { id: string }).id, 'join');
      if (['finished', 'cancelled', 'entered-in-error'].includes(v.status))
        throw new FhirError(409, {
          severity: 'error',
          code: 'business-rule',
          diagnostics: `The visit is ${v.status}`,
        });
      if (v.status === 'planned')
        throw new FhirError(409, {
          severity: 'error',
          code: 'business-rule',
          diagnostics: 'Check in before joining',
        });
      audit(req, 'join', v);
      s.metrics.joinAttempt(as);
      const ticket = s.tickets.issue(
        {
          kind: 'join',
          tenantId: c.tenantId,
          visitId: v.id,
          participantId: as,
          role: as,
          account: c.account,
        },
        s.now(),
      );
      return { ticket, participantId: as, role: as, status: v.status, socketPath: '/api/visits/live' };
    },
  );

  /** Admission, the end and cancelling: the step, its audit record, and the sockets told. */
  const lifecycleStep = (
    op: 'admit' | 'end' | 'cancel',
    body: Record<string, unknown>,
    run: (c: VisitCaller, id: string, body: Record<string, string | undefined>) => Promise<VisitRow>,
  ) =>
    app.post(
      `${prefix}/:id/${op}`,
      {
        schema: {
          params: idParams,
          body: { type: ['object', 'null'], additionalProperties: false, properties: body },
          response: { 200: visitSummarySchema },
        },
      },
      async (req) => {
        const c = visitCaller(req);
        const { id } = req.params as { id: string };
        const { as } = await visitFor(req, c, id, op);
        const v = await run(c, id, (req.body ?? {}) as Record<string, string | undefined>);
        audit(req, op, v);
        if (op === 'admit') s.careLinked?.(c.tenantId, c.account);
        s.onCommitted?.();
        live.visitChanged(c.tenantId, v, v.status === 'in-progress' ? currentModality(v) : null);
        return visitSummary(v, as);
      },
    );
  lifecycleStep('admit', {}, (c, id) => admit(s, c, id));
  lifecycleStep('end', { nextSteps: { type: 'string', maxLength: 4000 } }, (c, id, body) =>
    endVisit(s, c, id, body.nextSteps),
  );
  lifecycleStep('cancel', { reason: { type: 'string', maxLength: 500 } }, (c, id, body) =>
    cancelVisit(s, c, id, body.reason),
  );

  app.get(
    `${prefix}/:id/next-steps`,
    {
      schema: {
        params: idParams,
        response: { 200: { type: 'object', properties: { text: { type: ['string', 'null'] } } } },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      const { v } = await visitFor(req, c, (req.params as { id: string }).id);
      if (!v.nextStepsId) return { text: null };
      const id = v.nextStepsId;
      const comm = await s.db.withTenant(c.tenantId, (q) =>
        readJson<{ payload?: { contentString?: string }[] }>(s, q, c.tenantId, 'Communication', id),
      );
      req.auditTrail?.add({
        action: 'read',
        outcome: 'success',
        resources: [`Communication/${id}`],
        patients: [`Patient/${v.patientId}`],
      });
      return { text: comm?.payload?.[0]?.contentString ?? null };
    },
  );

  app.post(
    `${prefix}/:id/survey`,
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['score'],
          additionalProperties: false,
          properties: { score: { type: 'integer' }, comment: { type: 'string' } },
        },
        response: { 201: { type: 'object', properties: { id: { type: 'string' } } } },
      },
    },
    async (req, reply) => {
      const c = visitCaller(req);
      const { v, as } = await visitFor(req, c, (req.params as { id: string }).id);
      if (v.status !== 'finished')
        throw new FhirError(409, {
          severity: 'error',
          code: 'business-rule',
          diagnostics: 'The survey follows the visit',
        });
      const body = req.body as { score: number; comment?: string };
      const author = as === 'clinician' ? `Practitioner/${v.practitionerId}` : `Patient/${v.patientId}`;
      let response;
      try {
        response = satisfactionResponse(body, {
          encounterId: v.id,
          patientId: v.patientId,
          author,
          authored: s.now(),
        });
      } catch (err) {
        if (err instanceof SurveyError)
          throw new FhirError(422, { severity: 'error', code: 'invalid', diagnostics: err.message });
        throw err;
      }
      const column = as === 'clinician' ? 'clinician_survey_id' : 'patient_survey_id';
      const id = await s.db.transaction(c.tenantId, async (q) => {
        // One answer per side and visit: the row lock orders two answers, the column keeps the first.
        const done = await q.query<{ answered: string | null }>(
          `SELECT ${column} AS answered FROM visit WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
          [c.tenantId, v.id],
        );
        if (done.rows[0]?.answered)
          throw new FhirError(409, {
            severity: 'error',
            code: 'duplicate',
            diagnostics: 'The survey was already answered',
          });
        await ensureDefinition(s, q, c.tenantId, SATISFACTION_QUESTIONNAIRE);
        const created = await createInVisit(s, q, c.tenantId, response);
        await q.query(
          `UPDATE visit SET ${column} = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
          [c.tenantId, v.id, created],
        );
        return created;
      });
      s.onCommitted?.();
      return reply.code(201).send({ id });
    },
  );

  app.get(
    `${prefix}/queue`,
    {
      schema: {
        querystring: { type: 'object', properties: {} },
        response: { 200: { type: 'array', items: anyObject } },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      if (!c.practitionerId) throw forbidden('Only clinicians have a waiting room');
      const practitionerId = c.practitionerId;
      const now = s.now();
      const rows = await s.db.withTenant(c.tenantId, async (q) => {
        const out = [];
        for (const key of await queuesOfClinician(q, c.tenantId, practitionerId)) {
          const snap = await queueSnapshot(q, c.tenantId, key, now);
          for (const w of snap.waiting) {
            const patient = await readJson<{
              name?: { given?: string[]; family?: string; text?: string }[];
              birthDate?: string;
            }>(s, q, c.tenantId, 'Patient', w.patientId);
            const n = patient?.name?.[0];
            out.push({
              visitId: w.visitId,
              queue: key.kind === 'clinician' ? 'booked' : 'on-demand',
              serviceLine: key.kind === 'line' ? key.serviceLine : null,
              patient: {
                id: w.patientId,
                name: n?.text ?? [...(n?.given ?? []), n?.family ?? ''].join(' ').trim(),
                birthDate: patient?.birthDate ?? null,
              },
              visitTypeId: w.visitTypeId,
              startsAt: w.startsAt === null ? null : new Date(w.startsAt).toISOString(),
              waitingSince: new Date(w.arrivedAt).toISOString(),
              intakeDone: w.intakeDone,
              consented: w.consented,
              deviceCheck: w.deviceVerdict,
            });
          }
        }
        return out;
      });
      req.auditTrail?.add({
        action: 'read',
        outcome: 'success',
        resources: rows.map((r) => `Patient/${r.patient.id}`),
        patients: [...new Set(rows.map((r) => `Patient/${r.patient.id}`))],
      });
      return rows;
    },
  );

  app.post(
    `${prefix}/queue/watch`,
    {
      schema: {
        body: emptyBody,
        response: {
          200: { type: 'object', properties: { ticket: { type: 'string' }, socketPath: { type: 'string' } } },
        },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      if (!c.practitionerId) throw forbidden('Only clinicians have a waiting room');
      const ticket = s.tickets.issue(
        {
          kind: 'queue',
          tenantId: c.tenantId,
          visitId: 'queue',
          participantId: c.practitionerId,
          role: 'clinician',
          account: c.account,
        },
        s.now(),
      );
      return { ticket, socketPath: '/api/visits/live' };
    },
  );

  app.post(
    `${prefix}/:id/phone-bridge`,
    {
      schema: {
        params: idParams,
        body: emptyBody,
        response: {
          200: {
            type: 'object',
            properties: {
              number: { type: 'string' },
              pin: { type: 'string' },
              expiresAt: { type: 'string' },
            },
          },
        },
      },
    },
    async (req) => {
      const c = visitCaller(req);
      const { v } = await visitFor(req, c, (req.params as { id: string }).id);
      if (v.status !== 'in-progress' && v.status !== 'arrived')
        throw new FhirError(409, {
          severity: 'error',
          code: 'business-rule',
          diagnostics: `The visit is ${v.status}`,
        });
      const bridge = await s.telephony.bridgeFor({ tenantId: c.tenantId, visitId: v.id }, s.now());
      if (!bridge)
        throw new FhirError(501, {
          severity: 'error',
          code: 'not-supported',
          diagnostics: 'No phone bridge is configured for this service',
        });
      return { number: bridge.number, pin: bridge.pin, expiresAt: new Date(bridge.expiresAt).toISOString() };
    },
  );
}
