// Usage: node --import tsx scripts/with-postgres.ts embedded|system -- <command> [args...]
// Starts one throwaway PostgreSQL server, runs <command> with TEST_DATABASE_URL (an admin URL; tests
// create their own databases) and exits with the command's exit code after stopping the server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/src/platform/db/embedded.js';
import { freePort } from '../server/src/platform/net/free-port.js';

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function embedded(dir: string): Promise<Server> {
  // mkdtemp makes the directory 0700; as root, the cluster's `postgres` OS user must be able to enter it.
  fs.chmodSync(dir, 0o755);
  return startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
}

/** Debian's PostgreSQL binaries, newest major first. */
function systemBinDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error('no /usr/lib/postgresql/*/bin/initdb: install the postgresql package');
  return path.join(base, majors[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` OS user. */
function osUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root needs a `postgres` OS user');
  return { uid, gid };
}

function runAs(user: { uid: number; gid: number } | undefined, cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...(user ?? {}) });
  if (res.status !== 0) throw new Error(`${path.basename(cmd)} failed:\n${res.stdout}\n${res.stderr}`);
}

async function system(dir: string): Promise<Server> {
  const bin = systemBinDir();
  const user = osUser();
  const data = path.join(dir, 'data');
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const port = await freePort();
  runAs(user, path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200 -c fsync=off`;
  runAs(user, path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-o',
    opts,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => runAs(user, path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']),
  };
}

async function main(): Promise<number> {
  const [kind, sep, cmd, ...args] = process.argv.slice(2);
  if ((kind !== 'embedded' && kind !== 'system') || sep !== '--' || !cmd) {
    console.error('usage: with-postgres.ts embedded|system -- <command> [args...]');
    return 2;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `openvisit-${kind}-pg-`));
  const server = kind === 'embedded' ? await embedded(dir) : await system(dir);
  console.log(`with-postgres: ${kind} PostgreSQL ready on ${new URL(server.url).host}`);
  try {
    const child = spawn(cmd, args, {
      stdio: 'inherit',
      env: { ...process.env, TEST_DATABASE_URL: server.url },
    });
    // Forward stop requests, so Ctrl-C still stops the database afterwards.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(sig);
      process.on(sig, () => child.kill(sig));
    }
    return await new Promise<number>((resolve) =>
      child.on('close', (code, signal) =>
        resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)),
      ),
    );
  } finally {
    await server
      .stop()
      .catch((err: unknown) => console.error(`with-postgres: stopping failed: ${String(err)}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
