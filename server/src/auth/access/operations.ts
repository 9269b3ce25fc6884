import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FhirError, badRequest, notFound } from '../../platform/http/operation-outcome.js';
import type { Database } from '../../platform/db/pool.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditEventsOf } from '../audit/entries.js';
import type { LaunchContexts } from '../identity/launch-contexts.js';
import { callerOf } from './caller-of.js';
import type { ReachResolver } from './reach.js';
import type { SecurityMetrics } from './security-metrics.js';

export interface OperationsOptions {
  db: Database;
  auditLog: AuditLog;
  reach: ReachResolver;
  launches: LaunchContexts;
  metrics: SecurityMetrics;
  prefix: string;
  fhirBaseUrl: string;
}

/** How long one break-glass lasts. */
export const BREAK_GLASS_SECONDS = 3600;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

type Parameters = { resourceType?: string; parameter?: { name?: string; valueString?: string }[] };

function param(body: unknown, name: string): string | undefined {
  const p = body as Parameters | undefined;
  if (p?.resourceType !== 'Parameters') return undefined;
  return p.parameter?.find((x) => x.name === name)?.valueString;
}

function forbidden(diagnostics: string): FhirError {
  return new FhirError(403, { severity: 'error', code: 'forbidden', diagnostics });
}

/**
 * Security operations on the FHIR API: `Patient/{id}/$break-glass` (a clinician's time-limited access
 * outside a care relationship, with a typed reason), `AuditEvent?patient=` ("who accessed my record",
 * from the audit log, bounded like any record read) and `$smart-launch` (an EHR launch context).
 */
export function securityOperations(app: FastifyInstance, opts: OperationsOptions): void {
  const { prefix } = opts;

  app.post(`${prefix}/Patient/:id/$break-glass`, { schema: { hide: true } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const claims = req.claims;
    const caller = callerOf(req);
    if (!ID.test(id)) throw badRequest('Invalid patient id');
    const reason = (param(req.body, 'reason') ?? '').trim();
    if (reason.length < 10 || reason.length > 1000)
      throw badRequest('Breaking the glass needs a reason of 10 to 1000 characters (Parameters.reason)');
    const roles = claims?.roles ?? [];
    const accountId = claims?.sub?.split('.')[1];
    if (!accountId || !(roles.includes('clinician') || roles.includes('nurse')))
      throw forbidden('Only clinicians and nurses may break the glass');
    const exists = await opts.db.query(
      caller.tenantId,
      `SELECT 1 FROM resource WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2 AND NOT deleted`,
      [caller.tenantId, id],
    );
    if (exists.rowCount === 0) throw notFound('Patient resource not found');
    const res = await opts.db.query<{ expires_at: Date }>(
      caller.tenantId,
      `INSERT INTO auth_break_glass (tenant_id, account_id, patient, reason, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at`,
      [caller.tenantId, accountId, id, reason, BREAK_GLASS_SECONDS],
    );
    opts.reach.forget(caller.tenantId, accountId);
    opts.metrics.brokeGlass();
    req.auditTrail?.add({
      action: 'break-glass',
      outcome: 'success',
      resources: [`Patient/${id}`],
      patients: [`Patient/${id}`],
      breakGlassReason: reason,
    });
    const expires = res.rows[0]?.expires_at.toISOString() ?? '';
    return reply
      .type(FHIR_JSON)
      .send({ resourceType: 'Parameters', parameter: [{ name: 'expires', valueInstant: expires }] });
  });

  app.get(`${prefix}/AuditEvent`, { schema: { hide: true } }, async (req: FastifyRequest, reply) => {
    const caller = callerOf(req);
    caller.access.require('AuditEvent', 's', 'search');
    const q = req.query as { patient?: string; _count?: string; _before?: string };
    const patient = q.patient?.replace(/^Patient\//, '');
    if (patient !== undefined && !ID.test(patient))
      throw badRequest('patient must be a Patient id or reference');
    const bound = caller.access.compartment();
    if (bound !== null && (patient === undefined || !bound.includes(patient)))
      throw forbidden('Audit events can be searched for a patient whose record you may see');
    const count = Math.min(Math.max(Number(q._count ?? 50) || 50, 1), 200);
    const before = q._before !== undefined && /^\d{1,18}$/.test(q._before) ? q._before : null;
    const rows =
      patient === undefined
        ? (
            await opts.db.query<{ seq: string; event: string; recorded: Date }>(
              caller.tenantId,
              `SELECT l.id::text AS seq, l.event, l.recorded FROM audit_log l
               WHERE l.tenant_id = $1 AND ($2::bigint IS NULL OR l.id < $2::bigint)
               ORDER BY l.id DESC LIMIT $3`,
              [caller.tenantId, before, count + 1],
            )
          ).rows
        : await opts.auditLog.entriesOfPatient(caller.tenantId, `Patient/${patient}`, {
            before,
            limit: count + 1,
          });
    const page = rows.slice(0, count);
    const self = `${opts.fhirBaseUrl}/AuditEvent?${new URLSearchParams({ ...(patient ? { patient: `Patient/${patient}` } : {}), _count: String(count) })}`;
    const links = [{ relation: 'self', url: self }];
    const last = page[page.length - 1];
    if (rows.length > count && last) links.push({ relation: 'next', url: `${self}&_before=${last.seq}` });
    const reference = patient === undefined ? undefined : `Patient/${patient}`;
    const entries = page
      .flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq))
      .filter((e) => reference === undefined || (e.entity ?? []).some((x) => x.what?.reference === reference))
      .map((event) => ({
        fullUrl: `${opts.fhirBaseUrl}/AuditEvent/${event.id}`,
        resource: event,
        search: { mode: 'match' },
      }));
    req.auditTrail?.add({
      action: 'search',
      outcome: 'success',
      resources: [],
      patients: patient ? [`Patient/${patient}`] : [],
      query: `AuditEvent?patient=${patient ?? ''}`,
    });
    return reply
      .type(FHIR_JSON)
      .send({ resourceType: 'Bundle', type: 'searchset', link: links, entry: entries });
  });

  app.post(`${prefix}/$smart-launch`, { schema: { hide: true } }, async (req, reply) => {
    const caller = callerOf(req);
    const patient = param(req.body, 'patient')?.replace(/^Patient\//, '');
    const encounter = param(req.body, 'encounter')?.replace(/^Encounter\//, '');
    if (patient === undefined || !ID.test(patient) || (encounter !== undefined && !ID.test(encounter)))
      throw badRequest('$smart-launch takes Parameters.patient (and optionally Parameters.encounter)');
    const bound = caller.access.compartment();
    if (!req.claims?.sub || req.claims.svc || (bound !== null && !bound.includes(patient)))
      throw forbidden('An app can be launched only for a patient whose record you may see');
    const launch = await opts.launches.createLaunch({
      tenantId: caller.tenantId,
      patient,
      ...(encounter ? { encounter } : {}),
    });
    return reply
      .type(FHIR_JSON)
      .send({ resourceType: 'Parameters', parameter: [{ name: 'launch', valueString: launch }] });
  });
}
