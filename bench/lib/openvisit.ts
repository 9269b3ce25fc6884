import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../server/src/platform/net/free-port.js';
import { embeddedDatabaseUrl } from '../../server/src/platform/db/embedded.js';

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  fhirPath: string;
  /** Superuser URL of the PostgreSQL server OpenVisit uses (for the baseline and EXPLAIN). */
  adminUrl: string;
  /** The database OpenVisit's data lives in. */
  databaseUrl: string;
  pid: number;
  /** Data directory of the embedded PostgreSQL (its postmaster.pid names the server process). */
  pgDataDir?: string;
  logFile: string;
  /** Its DATA_DIR (embedded PostgreSQL, master keys). */
  dataDir: string;
  /** Why the server is gone when it exited before stop(), else undefined. */
  exitedEarly(): string | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  repoRoot: string;
  workDir: string;
  /** An external PostgreSQL (owner URL); unset = embedded PostgreSQL under workDir. */
  databaseUrl?: string;
  logLevel: string;
  dbPoolSize?: number;
  cpuProfDir?: string;
  /** More node command-line flags (V8 flags such as `--trace-gc` are refused in NODE_OPTIONS). */
  nodeFlags?: string[];
  /** More environment for the server (rate limits…). */
  env?: Record<string, string>;
}

async function waitReady(origin: string, child: ChildProcess, logFile: string): Promise<void> {
  // Bounded: the embedded PostgreSQL's initdb plus migrations take well under a minute.
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) {
      throw new Error(`openvisit exited with ${child.exitCode}; see ${logFile}`);
    }
    try {
      const res = await fetch(`${origin}/readyz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`openvisit did not become ready within 120 s; see ${logFile}`);
}

/** Starts `openvisit start` (the built CLI) on a free loopback port and waits until /readyz is 200. */
export async function startOpenVisit(opts: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const pgPort = await freePort();
  const dataDir = path.join(opts.workDir, 'data');
  const logFile = path.join(opts.workDir, 'openvisit.log');
  const log = fs.openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: opts.logLevel,
    // The benchmark loads its own data set.
    OPENVISIT_DEMO: 'off',
    ...opts.env,
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else delete env.DATABASE_URL;
  if (opts.dbPoolSize !== undefined) env.DB_POOL_SIZE = String(opts.dbPoolSize);
  // The server's log goes straight to a file: a pipe would make this process part of its hot path.
  // --cpu-prof is refused in NODE_OPTIONS, so it goes on the command line; so is the memory
  // reducer's switch, which `npm start` and the `openvisit` command pass too (decision 0024).
  const nodeArgs = [
    '--no-memory-reducer',
    ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.cpuProfDir)}`] : []),
    ...(opts.nodeFlags ?? []),
  ];
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(opts.repoRoot, 'server/bin/openvisit.js'), 'start'],
    {
      cwd: opts.workDir,
      env,
      stdio: ['ignore', log, log],
      // Its own process group: a Ctrl-C on the bench reaches the server only through stop().
      detached: true,
    },
  );
  let stopping = false;
  let early: string | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping) early = `openvisit exited on its own (code ${code}, signal ${signal}); see ${logFile}`;
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitReady(origin, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let adminUrl: string;
  let databaseUrl: string;
  if (opts.databaseUrl) {
    databaseUrl = opts.databaseUrl;
    const u = new URL(opts.databaseUrl);
    u.pathname = '/postgres';
    adminUrl = u.toString();
  } else {
    const password = fs.readFileSync(path.join(dataDir, '.pg-password'), 'utf8').trim();
    // As the server reaches its embedded PostgreSQL: through the Unix socket.
    adminUrl = embeddedDatabaseUrl(password, pgPort, 'postgres');
    databaseUrl = embeddedDatabaseUrl(password, pgPort, 'openvisit');
  }
  return {
    origin,
    fhirPath: '/fhir/R4',
    adminUrl,
    databaseUrl,
    pid: child.pid ?? 0,
    dataDir,
    ...(opts.databaseUrl ? {} : { pgDataDir: path.join(dataDir, 'postgres') }),
    logFile,
    exitedEarly: () => early,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timeout = sleep(30_000).then(() => 'timeout');
      if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
      fs.closeSync(log);
    },
  };
}
