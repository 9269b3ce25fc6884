import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { FhirError, operationOutcome } from '../../platform/http/operation-outcome.js';
import type { Caller } from '../../fhir/interactions/deps.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AccessRecord } from '../audit/events/index.js';
import type { AuthServices } from '../auth-services.js';
import { TokenError, type AccessClaims } from '../tokens/access-token.js';
import { AuditTrail } from './audit-trail.js';
import { smartConfiguration } from '../oidc/plugin.js';
import type { CallerOrganizations } from './caller-organizations.js';
import { callerPolicy } from './caller-policy.js';
import { securityOperations } from './operations.js';
import type { ConsentDirectory } from './consents.js';
import type { CorsPolicy } from './cors.js';
import type { PatientsOf } from './patients-of.js';
import { RateLimiter } from './rate-limiter.js';
import type { ReachResolver } from './reach.js';
import { RequestAccess } from './request-access.js';
import type { SecurityMetrics } from './security-metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller of an API request (auth/access/plugin.ts). */
    caller?: Caller;
    /** Audit records of the request, written before its response leaves. */
    auditTrail?: AuditTrail;
    /** The verified access token's claims. */
    claims?: AccessClaims;
  }
}

export interface AccessPluginOptions {
  auth: AuthServices;
  auditLog: AuditLog;
  reach: ReachResolver;
  /** A practitioner's organizations, as consents name them. */
  organizations: CallerOrganizations;
  patientsOf: PatientsOf;
  consents: ConsentDirectory;
  metrics: SecurityMetrics;
  cors: CorsPolicy;
  /** Where failed authentications are audited: no valid token names a tenant. */
  defaultTenantId: number;
  /** The FHIR base path, e.g. `/fhir/R4`. */
  prefix: string;
  limits: { clientPerSecond: number; tenantPerSecond: number };
  /**
   * The FHIR API's own routes in this scope (SMART configuration, security operations, preflight);
   * false when the plugin guards another API, e.g. `/api/scheduling`.
   */
  fhirRoutes?: boolean;
}

const PURPOSE: Record<string, string> = {
  patient: 'PATRQT',
  caregiver: 'FAMRQT',
  clinician: 'TREAT',
  nurse: 'TREAT',
  billing: 'HPAYMT',
};

// The verifier hands out one claims object per token: its agent is built once per address, and the
// audit log stores an agent shared by a batch's accesses once (chain-writer.ts, by identity).
const agents = new WeakMap<AccessClaims, Map<string, AccessRecord['agent']>>();

function agentOf(claims: AccessClaims, address: string): AccessRecord['agent'] {
  let byAddress = agents.get(claims);
  if (!byAddress) agents.set(claims, (byAddress = new Map()));
  let agent = byAddress.get(address);
  if (!agent) {
    const purpose = claims.roles.map((r) => PURPOSE[r]).find((p) => p !== undefined) ?? 'HOPERAT';
    agent = Object.freeze({
      sub: claims.sub ?? claims.client_id,
      roles: claims.roles,
      ...(claims.fhirUser ? { fhirUser: claims.fhirUser } : {}),
      clientId: claims.client_id,
      address,
      purposeOfUse: purpose,
    });
    if (byAddress.size > 100) byAddress.clear();
    byAddress.set(address, agent);
  }
  return agent;
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * Authentication and the access policy on every request under the FHIR base (registered in the same
 * encapsulation as the FHIR routes): bearer token → caller (tenant from the token only) → rate
 * limits → per-request access policy; the request's audit records are written before the response
 * is sent, and the response fails when they cannot be. CORS for browser apps.
 */
const accessPlugin: FastifyPluginAsync<AccessPluginOptions> = async (app, opts) => {
  const { auth, metrics, prefix } = opts;
  const clientLimiter = new RateLimiter(opts.limits.clientPerSecond, opts.limits.clientPerSecond * 2);
  const tenantLimiter = new RateLimiter(opts.limits.tenantPerSecond, opts.limits.tenantPerSecond * 2);
  const publicPaths = new Set([`${prefix}/metadata`, `${prefix}/.well-known/smart-configuration`]);

  const unauthenticated = async (req: FastifyRequest, problem: string) => {
    metrics.deny('unauthenticated');
    const trail = new AuditTrail(opts.auditLog, opts.defaultTenantId, {
      sub: 'anonymous',
      roles: [],
      address: req.ip,
    });
    trail.add({
      action: 'read',
      outcome: 'denied',
      outcomeCode: `token-${problem}`,
      resources: [],
      patients: [],
    });
    await trail.flush();
    const description =
      problem === 'missing' ? 'An access token is required' : `The access token is ${problem}`;
    return new FhirError(
      401,
      { severity: 'error', code: 'login', diagnostics: description },
      {
        'www-authenticate': `Bearer realm="OpenVisit", error="invalid_token", error_description="${description}"`,
      },
    );
  };

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (origin !== undefined && (await opts.cors.allows(origin))) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      reply.header(
        'access-control-expose-headers',
        'ETag, Location, Content-Location, Last-Modified, X-Request-Id, Retry-After, WWW-Authenticate',
      );
    }
    const path = (req.raw.url ?? '').split('?')[0] ?? '';
    if (req.method === 'OPTIONS' || publicPaths.has(path)) return;
    const token = bearer(req.headers.authorization);
    if (!token) throw await unauthenticated(req, 'missing');
    let claims: AccessClaims;
    try {
      claims = await auth.verifier.verify(token);
    } catch (err) {
      if (err instanceof TokenError) throw await unauthenticated(req, err.problem);
      throw err;
    }
    const wait = Math.max(clientLimiter.take(claims.client_id), tenantLimiter.take(`t${claims.tid}`));
    if (wait > 0) {
      metrics.deny('rate-limited');
      throw new FhirError(
        429,
        {
          severity: 'error',
          code: 'throttled',
          diagnostics: 'Too many requests; retry after the time given',
        },
        { 'retry-after': String(wait) },
      );
    }
    const trail = new AuditTrail(opts.auditLog, claims.tid, agentOf(claims, req.ip));
    const query = (req.raw.url ?? '').slice(prefix.length + 1);
    const { policy } = await callerPolicy(claims, opts.reach, opts.organizations, query);
    req.claims = claims;
    req.auditTrail = trail;
    req.caller = {
      tenantId: claims.tid,
      access: new RequestAccess(policy, opts.patientsOf, trail, metrics, opts.consents),
    };
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const trail = req.auditTrail;
    if (!trail || trail.size === 0) return payload;
    try {
      await trail.flush();
      return payload;
    } catch {
      // Never shown unaudited: the answer is withheld.
      req.log.error('audit records could not be written; the response was withheld');
      reply.code(500).header('content-type', 'application/fhir+json');
      return JSON.stringify(
        operationOutcome([
          {
            severity: 'fatal',
            code: 'exception',
            diagnostics: 'The request could not be audited, so its answer is withheld; try again',
          },
        ]),
      );
    }
  });

  if (opts.fhirRoutes === false) return;

  // Public, but in this scope so that browser apps get their CORS headers with it.
  app.get(`${prefix}/.well-known/smart-configuration`, { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(smartConfiguration(auth)),
  );

  securityOperations(app, {
    db: auth.db,
    auditLog: opts.auditLog,
    reach: opts.reach,
    launches: auth.launches,
    metrics,
    prefix,
    fhirBaseUrl: auth.fhirBaseUrl,
  });

  // Preflight for browser apps; FHIR routes have no OPTIONS of their own.
  app.options(`${prefix}/*`, { schema: { hide: true } }, async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined || !(await opts.cors.allows(origin))) return reply.code(403).send();
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE')
      .header(
        'access-control-allow-headers',
        'Authorization, Content-Type, Accept, If-Match, If-None-Match, If-None-Exist, If-Modified-Since, Prefer, X-Request-Id',
      )
      .header('access-control-max-age', '600')
      .send();
  });
};

export const fhirAccessPlugin = fp(accessPlugin, { name: 'openvisit-fhir-access' });
