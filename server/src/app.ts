import { readFileSync } from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { definitions, type Definitions } from './fhir/definitions/index.js';
import { fhirRestPlugin } from './fhir/rest/plugin.js';
import { SearchParamRegistry } from './fhir/storage/search-param-registry.js';
import { OPEN_ACCESS } from './fhir/interactions/access.js';
import { callerOf } from './auth/access/caller-of.js';
import { accountIdOf } from './auth/access/caller-policy.js';
import { fhirAccessPlugin } from './auth/access/plugin.js';
import { smartSecurity, startSecurity } from './auth/security.js';
import type { KeyEncryptionKey } from './platform/crypto/envelope.js';
import { appMigrations } from './migrations.js';
import type { MigrationSource } from './platform/db/migrate.js';
import type { Database } from './platform/db/pool.js';
import { outboxStats } from './platform/events/outbox-relay.js';
import { healthPlugin } from './platform/health/plugin.js';
import { bodyParsersPlugin } from './platform/http/body-parsers.js';
import { connectionDrainPlugin } from './platform/http/connection-drain.js';
import { errorHandlerPlugin } from './platform/http/error-handler.js';
import { requestId } from './platform/http/request-id.js';
import { securityHeadersPlugin } from './platform/http/security-headers.js';
import { Lifecycle } from './platform/lifecycle.js';
import { createLogger } from './platform/observability/logger.js';
import { metricsPlugin } from './platform/observability/metrics.js';
import { requestLogPlugin } from './platform/observability/request-log.js';
import { openApiPlugin } from './platform/openapi/plugin.js';
import { requireSchemasPlugin } from './platform/openapi/require-schemas.js';
import { webAppPlugin } from './web/web-app.js';
import type { BookingServices, NoticeQueue } from './modules/scheduling/booking/services.js';
import { schedulingMetrics, type SchedulingMetrics } from './modules/scheduling/metrics.js';
import { schedulingServices } from './modules/scheduling/services-factory.js';
import { startVisits, VISITS_API_PREFIX, type VisitOptions } from './modules/visits/plugin.js';
import {
  registerSchedulingAdmin,
  registerSchedulingOperations,
  SCHEDULING_API_PREFIX,
} from './modules/scheduling/plugin.js';

export const FHIR_PREFIX = '/fhir/R4';

export interface AppDeps {
  config: Config;
  /** Pool on the migrated database (see main.ts). */
  db: Database;
  /** Id of `config.defaultTenant`, from ensureTenant. */
  tenantId: number;
  /**
   * `secured`: every API request needs an access token, the access policy applies and PHI access is
   * audited (what `openvisit start` runs). `open`: none of that — only for the data layer's own tests
   * and the benchmark's baseline, never reachable from the command line.
   */
  security: { mode: 'secured'; keyring: readonly KeyEncryptionKey[] } | { mode: 'open' };
  defs?: Definitions;
  registry?: SearchParamRegistry;
  /** Told after each commit that wrote outbox rows (the relay's kick). */
  onCommitted?: () => void;
  /** The migrations readiness compares against; platform + FHIR by default. */
  migrations?: MigrationSource[];
  lifecycle?: Lifecycle;
  /** From createLogger (platform/observability/logger.ts); one at LOG_LEVEL on stdout by default. */
  logger?: FastifyBaseLogger;
  /** Appointment notices the booking code enqueues (scheduling/notify); none when absent. */
  notices?: NoticeQueue;
  /** Video visits: the signal bus, ICE servers, SFU and phone bridge (modules/visits/plugin.ts). */
  visits?: VisitOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The scheduling module's services (its sweeper runs on them), in a secured app. */
    scheduling?: BookingServices;
    /** Its metrics (the sweeper sets the fill rate). */
    schedulingMetrics?: SchedulingMetrics;
  }
}

function schedulingMetricsOf(app: FastifyInstance): SchedulingMetrics {
  const metrics = schedulingMetrics(app.metrics);
  app.decorate('schedulingMetrics', metrics);
  return metrics;
}

export { appMigrations };

/** An HTTPS server for Fastify's handler; Fastify's types know the HTTP server it behaves like. */
function tlsServerFactory(tls: NonNullable<Config['tls']>) {
  const options = {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    minVersion: 'TLSv1.2' as const,
  };
  return (handler: http.RequestListener) => https.createServer(options, handler) as unknown as http.Server;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/**
 * The HTTP application: platform plugins first (they hook every route registered after them),
 * then the operational routes, then the FHIR API. Not yet `ready()`: callers may add routes.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  const defs = deps.defs ?? definitions();
  const registry = deps.registry ?? (await SearchParamRegistry.load(db, defs));

  const logger: FastifyBaseLogger = deps.logger ?? createLogger({ level: config.logLevel });
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's request logging writes the URL (ids, search values); request-log.ts logs templates instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
    // TLS terminates here when a certificate is configured (otherwise at a proxy in front).
    ...(config.tls ? { serverFactory: tlsServerFactory(config.tls) } : {}),
  });

  await app.register(requireSchemasPlugin);
  await app.register(securityHeadersPlugin, { hsts: config.tls !== undefined });
  await app.register(connectionDrainPlugin, { lifecycle });
  await app.register(errorHandlerPlugin, { bodyLimit: config.bodyLimit });
  await app.register(bodyParsersPlugin, { bodyLimit: config.bodyLimit });
  await app.register(requestLogPlugin);
  await app.register(openApiPlugin, { version: packageVersion(), baseUrl: config.baseUrl });
  await app.register(metricsPlugin, { pool: () => db.stats(), outbox: () => outboxStats(db) });
  await app.register(healthPlugin, { db, migrations: deps.migrations ?? appMigrations, lifecycle });

  const fhirBaseUrl = `${config.baseUrl}${FHIR_PREFIX}`;
  const fhirOptions = {
    prefix: FHIR_PREFIX,
    db,
    defs,
    registry,
    fhirBaseUrl,
    onCommitted: deps.onCommitted ?? (() => undefined),
    bodyLimit: config.bodyLimit,
  };
  if (deps.security.mode === 'open') {
    const caller = { tenantId: deps.tenantId, access: OPEN_ACCESS };
    await app.register(fhirRestPlugin, { ...fhirOptions, callerOf: () => caller });
    return app;
  }
  const security = await startSecurity(app, {
    db,
    config,
    defs,
    registry,
    fhirBaseUrl,
    keyring: deps.security.keyring,
    defaultTenantId: deps.tenantId,
    fhirPrefix: FHIR_PREFIX,
  });
  await app.register(webAppPlugin, { clientId: config.webClientId, fhirPrefix: FHIR_PREFIX });
  const scheduling = await schedulingServices({
    db,
    defs,
    registry,
    fhirBaseUrl,
    onCommitted: fhirOptions.onCommitted,
    counters: schedulingMetricsOf(app),
    ...(deps.notices ? { notices: deps.notices } : {}),
  });
  app.decorate('scheduling', scheduling);
  await app.register(async (fhir) => {
    await fhir.register(fhirAccessPlugin, security.accessOptions);
    registerSchedulingOperations(fhir, scheduling, FHIR_PREFIX);
    await fhir.register(fhirRestPlugin, {
      ...fhirOptions,
      callerOf,
      capabilitySecurity: smartSecurity(security.auth),
    });
  });
  await app.register(async (api) => {
    await api.register(fhirAccessPlugin, {
      ...security.accessOptions,
      prefix: SCHEDULING_API_PREFIX,
      fhirRoutes: false,
    });
    registerSchedulingAdmin(api, scheduling);
  });
  const [ticketKey] = deps.security.keyring;
  if (!ticketKey) throw new Error('The keyring is empty');
  const visits = startVisits(
    app,
    {
      db,
      scheduling,
      ticketKey: ticketKey.key,
      onCommitted: fhirOptions.onCommitted,
      baseUrl: config.baseUrl,
      auditLog: security.accessOptions.auditLog,
      careLinked: (tenantId, sub) => {
        const account = accountIdOf(sub);
        if (account) security.accessOptions.reach.forget(tenantId, account);
      },
    },
    deps.visits,
  );
  await app.register(async (api) => {
    await api.register(fhirAccessPlugin, {
      ...security.accessOptions,
      prefix: VISITS_API_PREFIX,
      fhirRoutes: false,
    });
    visits.register(api);
  });
  return app;
}
