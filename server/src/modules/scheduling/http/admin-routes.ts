import type { FastifyInstance } from 'fastify';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import type { ClinicianAvailability } from '../availability/types.js';
import type { BookingServices } from '../booking/services.js';
import { schedulingPolicy, saveSchedulingPolicy, type SchedulingPolicy } from '../config/policy.js';
import { mirrorClinician, mirrorServiceLine } from '../config/fhir-mirror.js';
import { parseClinician, parseVisitType } from '../config/validate.js';
import { schedulingCaller, type SchedulingCaller } from './caller.js';

const ID = '^[A-Za-z0-9\\-.]{1,64}$';
const anyObject = { type: 'object', additionalProperties: true } as const;
const problem = { type: 'object', additionalProperties: true } as const;

function forbidden(): FhirError {
  return new FhirError(403, {
    severity: 'error',
    code: 'forbidden',
    diagnostics: 'Not allowed for this account',
  });
}

/** Availability as the API shows it: time off as instants (ISO 8601, UTC), as it is written. */
function availabilityView(c: ClinicianAvailability) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return { ...c, timeOff: c.timeOff.map((t) => ({ ...t, start: iso(t.start), end: iso(t.end) })) };
}

/** Administrators and the front desk manage every clinician's hours; a clinician their own. */
function mayManage(c: SchedulingCaller, practitionerId: string): boolean {
  if (c.roles.includes('tenant-admin') || c.roles.includes('front-desk')) return true;
  return (
    (c.roles.includes('clinician') || c.roles.includes('nurse')) &&
    c.fhirUser === `Practitioner/${practitionerId}`
  );
}

/**
 * Scheduling configuration as JSON under `/api/scheduling` (not FHIR-shaped: RRULE hours, caps,
 * policy): visit types, a clinician's availability (hours, overrides, time off, caps, licensure,
 * languages) and the tenant's policy. The times themselves are FHIR (`Appointment/$find`).
 */
export function schedulingAdminRoutes(app: FastifyInstance, s: BookingServices, prefix: string): void {
  app.get(
    `${prefix}/visit-types`,
    {
      schema: {
        querystring: { type: 'object', properties: { serviceLine: { type: 'string', maxLength: 64 } } },
        response: { 200: { type: 'array', items: anyObject } },
      },
    },
    async (req) => {
      const c = schedulingCaller(req);
      const { serviceLine } = req.query as { serviceLine?: string };
      return s.db.withTenant(c.tenantId, (q) => s.config.visitTypes(q, c.tenantId, serviceLine));
    },
  );

  app.put(
    `${prefix}/visit-types/:id`,
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', pattern: ID } }, required: ['id'] },
        body: anyObject,
        response: { 200: anyObject, 400: problem, 403: problem, 422: problem },
      },
    },
    async (req) => {
      const c = schedulingCaller(req);
      if (!c.roles.includes('tenant-admin')) throw forbidden();
      const { id } = req.params as { id: string };
      const vt = parseVisitType({ ...(req.body as object), id });
      await s.db.transaction(c.tenantId, async (q) => {
        await s.config.saveVisitType(q, c.tenantId, vt);
        const line = await s.config.visitTypes(q, c.tenantId, vt.serviceLine);
        await mirrorServiceLine(s.fhir, q, c.tenantId, vt.serviceLine, line);
      });
      return vt;
    },
  );

  app.get(
    `${prefix}/clinicians`,
    {
      schema: {
        querystring: { type: 'object', properties: { serviceLine: { type: 'string', maxLength: 64 } } },
        response: { 200: { type: 'array', items: anyObject }, 403: problem },
      },
    },
    async (req) => {
      const c = schedulingCaller(req);
      if (!c.staff) throw forbidden();
      const { serviceLine } = req.query as { serviceLine?: string };
      const list = await s.db.withTenant(c.tenantId, (q) =>
        s.config.clinicians(q, c.tenantId, serviceLine ? { serviceLine } : {}),
      );
      return list.map((x) => ({
        practitionerId: x.practitionerId,
        timeZone: x.timeZone,
        serviceLines: x.serviceLines,
        languages: x.languages,
      }));
    },
  );

  const availabilityPath = `${prefix}/clinicians/:practitionerId/availability`;
  const params = {
    type: 'object',
    properties: { practitionerId: { type: 'string', pattern: ID } },
    required: ['practitionerId'],
  } as const;

  app.get(
    availabilityPath,
    { schema: { params, response: { 200: anyObject, 403: problem, 404: problem } } },
    async (req) => {
      const c = schedulingCaller(req);
      const { practitionerId } = req.params as { practitionerId: string };
      if (!c.staff) throw forbidden();
      const [found] = await s.db.withTenant(c.tenantId, (q) =>
        s.config.clinicians(q, c.tenantId, { practitionerIds: [practitionerId] }),
      );
      if (!found)
        throw new FhirError(404, {
          severity: 'error',
          code: 'not-found',
          diagnostics: 'No availability for this clinician',
        });
      return availabilityView(found);
    },
  );

  app.put(
    availabilityPath,
    {
      schema: {
        params,
        body: anyObject,
        response: { 200: anyObject, 400: problem, 403: problem, 422: problem },
      },
    },
    async (req) => {
      const c = schedulingCaller(req);
      const { practitionerId } = req.params as { practitionerId: string };
      if (!mayManage(c, practitionerId)) throw forbidden();
      const availability = parseClinician(practitionerId, req.body);
      await s.db.transaction(c.tenantId, async (q) =>
        s.config.saveClinician(
          q,
          c.tenantId,
          availability,
          await mirrorClinician(s.fhir, q, c.tenantId, availability),
        ),
      );
      return availabilityView(availability);
    },
  );

  app.get(
    `${prefix}/policy`,
    { schema: { querystring: { type: 'object' }, response: { 200: anyObject } } },
    async (req) => {
      const c = schedulingCaller(req);
      return s.db.withTenant(c.tenantId, (q) => schedulingPolicy(q, c.tenantId));
    },
  );

  app.put(
    `${prefix}/policy`,
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            patientChangeMinNoticeMin: { type: 'integer', minimum: 0, maximum: 20160 },
            waitlistOfferMin: { type: 'integer', minimum: 1, maximum: 10080 },
            noShowGraceMin: { type: 'integer', minimum: 0, maximum: 1440 },
          },
        },
        response: { 200: anyObject, 403: problem },
      },
    },
    async (req) => {
      const c = schedulingCaller(req);
      if (!c.roles.includes('tenant-admin')) throw forbidden();
      const next: SchedulingPolicy = {
        ...(await s.db.withTenant(c.tenantId, (q) => schedulingPolicy(q, c.tenantId))),
        ...(req.body as Partial<SchedulingPolicy>),
      };
      await s.db.transaction(c.tenantId, (q) => saveSchedulingPolicy(q, c.tenantId, next));
      return next;
    },
  );
}
