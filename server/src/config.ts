import os from 'node:os';
import path from 'node:path';
import { defaultMarkingThreads, type GcTuning } from './platform/runtime/gc-tuning.js';

/** Typed configuration read once from the environment; every variable is documented in the README. */
export interface Config {
  port: number;
  host: string;
  /** External PostgreSQL; when unset an embedded server is launched under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  /** The tenant created (and demo-seeded) at first start; failed authentications are audited in it. */
  defaultTenant: string;
  /** Public base URL used in Location headers and Bundle links. */
  baseUrl: string;
  embeddedPgPort: number;
  dbPoolSize: number;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  shutdownGraceMs: number;
  /** Interval of the outbox relay's safety-net poll; commits on this node are published at once. */
  outboxPollMs: number;
  /** Browser origins allowed to call the API, besides those of registered apps. */
  corsOrigins: string[];
  /** API requests per second allowed per OAuth client and per tenant (0: unlimited). */
  rateLimitClient: number;
  rateLimitTenant: number;
  /** Parallel audit chains per tenant (more commit in parallel; each is verified on its own). */
  auditChains: number;
  /** The OAuth client id the web app (/app/) signs in with. */
  webClientId: string;
  /** Garbage collection: heap growth and marking threads (decision 0024; 0: V8 decides). */
  gc: GcTuning;
  /** PEM certificate chain and key files: when both are set the server speaks HTTPS only, with HSTS. */
  tls: { certFile: string; keyFile: string } | undefined;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

function tlsFiles(env: NodeJS.ProcessEnv): Config['tls'] {
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env.PORT, 8080, 'PORT');
  const host = env.HOST || '0.0.0.0';
  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    port,
    host,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    logLevel: env.LOG_LEVEL || 'info',
    defaultTenant: env.OPENVISIT_TENANT || 'default',
    baseUrl: (env.BASE_URL || `${env.TLS_CERT_FILE ? 'https' : 'http'}://${publicHost}:${port}`).replace(
      /\/$/,
      '',
    ),
    embeddedPgPort: int(env.EMBEDDED_PG_PORT, 5433, 'EMBEDDED_PG_PORT'),
    dbPoolSize: int(env.DB_POOL_SIZE, 20, 'DB_POOL_SIZE'),
    bodyLimit: int(env.BODY_LIMIT_BYTES, 16 * 1024 * 1024, 'BODY_LIMIT_BYTES'),
    shutdownGraceMs: int(env.SHUTDOWN_GRACE_MS, 10_000, 'SHUTDOWN_GRACE_MS'),
    outboxPollMs: Math.max(10, int(env.OUTBOX_POLL_MS, 1000, 'OUTBOX_POLL_MS')),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
    rateLimitClient: int(env.RATE_LIMIT_CLIENT_RPS, 200, 'RATE_LIMIT_CLIENT_RPS'),
    rateLimitTenant: int(env.RATE_LIMIT_TENANT_RPS, 2000, 'RATE_LIMIT_TENANT_RPS'),
    auditChains: Math.min(16, Math.max(1, int(env.AUDIT_CHAINS, 1, 'AUDIT_CHAINS'))),
    webClientId: env.WEB_CLIENT_ID || 'openvisit-web',
    gc: {
      heapGrowthPercent: Math.min(1000, int(env.HEAP_GROWTH_PERCENT, 300, 'HEAP_GROWTH_PERCENT')),
      markingThreads: Math.min(
        64,
        int(env.GC_MARKING_THREADS, defaultMarkingThreads(os.availableParallelism()), 'GC_MARKING_THREADS'),
      ),
    },
    tls: tlsFiles(env),
  };
}
