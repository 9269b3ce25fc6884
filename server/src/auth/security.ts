import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Definitions } from '../fhir/definitions/index.js';
import { createIndexer } from '../fhir/search/indexer/index.js';
import type { SearchParamRegistry } from '../fhir/storage/search-param-registry.js';
import { Envelope, type KeyEncryptionKey } from '../platform/crypto/envelope.js';
import { Database } from '../platform/db/pool.js';
import { CallerOrganizations } from './access/caller-organizations.js';
import { ConsentDirectory } from './access/consents.js';
import { CorsPolicy } from './access/cors.js';
import { PatientFinder } from './access/patient-finder.js';
import { PatientsOf } from './access/patients-of.js';
import type { AccessPluginOptions } from './access/plugin.js';
import { ReachResolver } from './access/reach.js';
import { SecurityMetrics } from './access/security-metrics.js';
import { AuditLog } from './audit/audit-log.js';
import { AuthServices, ISSUER_PATH } from './auth-services.js';
import { oidcPlugin } from './oidc/plugin.js';
import { providerViews } from './oidc/views.js';
import { SignInAudit } from './sign-in-audit.js';

export interface SecurityOptions {
  db: Database;
  config: Config;
  defs: Definitions;
  registry: SearchParamRegistry;
  fhirBaseUrl: string;
  fhirPrefix: string;
  keyring: readonly KeyEncryptionKey[];
  defaultTenantId: number;
}

export interface Security {
  auth: AuthServices;
  auditLog: AuditLog;
  accessOptions: AccessPluginOptions;
}

/**
 * Starts the identity layer and mounts its public parts: the authorization server under `/oauth`
 * and SMART discovery beside the FHIR API. Returns what the FHIR routes' access hook needs.
 */
export async function startSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<Security> {
  const { db } = opts;
  const metrics = new SecurityMetrics(app.metrics);
  // Appends get connections of their own: queued behind the reads they audit, every read would
  // wait for the reads after it. One more for the patient index, one for reading the log.
  const auditDb = new Database(db.url, { max: opts.config.auditChains + 2 });
  const auditLog = new AuditLog(auditDb, { maxBatch: 500, lanes: opts.config.auditChains });
  auditLog.startIndexing();
  app.addHook('onClose', async () => {
    await auditLog.stopIndexing();
    await auditDb.close();
  });
  const envelope = new Envelope(opts.keyring);
  const auth = new AuthServices({
    db,
    envelope,
    baseUrl: opts.config.baseUrl,
    fhirBaseUrl: opts.fhirBaseUrl,
    views: providerViews(`${ISSUER_PATH}/assets/pages.css`),
    // Called from auth.start(), below, once signIn exists.
    onProvider: (provider) => signIn.watch(provider),
  });
  const signIn = new SignInAudit(auditLog, metrics, auth.clients);
  await auth.start();
  app.addHook('onClose', async () => auth.stop());

  const tenantNames = new Map<number, string>();
  const reach = new ReachResolver(db, opts.registry);
  await app.register(oidcPlugin, {
    prefix: ISSUER_PATH,
    auth,
    events: signIn,
    warn: (msg, detail) => app.log.warn(detail, msg),
    patients: new PatientFinder(db, opts.registry, reach),
    tenantName: async (tenantId) => {
      let name = tenantNames.get(tenantId);
      if (name === undefined) {
        const res = await db.global<{ name: string }>('SELECT name FROM tenant WHERE id = $1', [tenantId]);
        name = res.rows[0]?.name ?? '';
        tenantNames.set(tenantId, name);
      }
      return name;
    },
  });

  return {
    auth,
    auditLog,
    accessOptions: {
      auth,
      auditLog,
      reach,
      patientsOf: new PatientsOf(createIndexer(opts.defs, { baseUrl: opts.fhirBaseUrl })),
      consents: new ConsentDirectory(db, opts.registry),
      organizations: new CallerOrganizations(db, opts.registry),
      metrics,
      cors: new CorsPolicy(db, auth.clients, opts.config.corsOrigins),
      defaultTenantId: opts.defaultTenantId,
      prefix: opts.fhirPrefix,
      limits: { clientPerSecond: opts.config.rateLimitClient, tenantPerSecond: opts.config.rateLimitTenant },
    },
  };
}

/** CapabilityStatement `rest.security`: SMART on FHIR, with the OAuth endpoints (oauth-uris). */
export function smartSecurity(auth: AuthServices): object {
  const provider = auth.provider();
  return {
    cors: true,
    service: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' },
        ],
      },
    ],
    extension: [
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [
          { url: 'authorize', valueUri: provider.urlFor('authorization') },
          { url: 'token', valueUri: provider.urlFor('token') },
          { url: 'revoke', valueUri: provider.urlFor('revocation') },
          { url: 'introspect', valueUri: provider.urlFor('introspection') },
        ],
      },
    ],
    description: 'OAuth 2 / SMART App Launch 2.0; see .well-known/smart-configuration',
  };
}
