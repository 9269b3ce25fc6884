import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Baseline {
  tool: string;
  command: string;
  /** Primary-key selects per second (pgbench's tps without connection time; 1 select = 1 transaction). */
  selectsPerSecond: number;
  latencyMsAvg: number | undefined;
}

const DB = 'ov_pgbench_baseline';

function findPgbench(): string {
  const candidates = ['/usr/bin/pgbench'];
  if (fs.existsSync('/usr/lib/postgresql')) {
    for (const v of fs.readdirSync('/usr/lib/postgresql').sort().reverse())
      candidates.push(`/usr/lib/postgresql/${v}/bin/pgbench`);
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(
      'pgbench not found: install it with `apt-get install -y postgresql-client` (Debian), then run again',
    );
  }
  return found;
}

/** libpq environment for a postgres:// URL, so the password never appears on a command line. */
function pgEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    // The transport the server uses: the socket directory of ?host= when the URL has one.
    PGHOST: u.searchParams.get('host') ?? u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: DB,
  };
}

/**
 * The raw PostgreSQL primary-key select rate on the server OpenVisit uses: `pgbench -S` (one
 * `SELECT abalance FROM pgbench_accounts WHERE aid = :random`) over 32 clients, in a database of
 * its own so OpenVisit's data is untouched.
 */
export async function measureBaseline(
  adminUrl: string,
  opts: { clients: number; threads: number; seconds: number; scale: number },
): Promise<Baseline> {
  const pgbench = findPgbench();
  const env = pgEnv(adminUrl);
  await run('dropdb', ['--if-exists', DB], { env });
  await run('createdb', [DB], { env });
  await run(pgbench, ['-i', '-q', '-s', String(opts.scale), DB], { env, maxBuffer: 16 << 20 });
  const args = [
    '-S',
    '-n',
    '-c',
    String(opts.clients),
    '-j',
    String(opts.threads),
    '-T',
    String(opts.seconds),
    DB,
  ];
  const { stdout } = await run(pgbench, args, { env, maxBuffer: 16 << 20 });
  const tps =
    /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(stdout);
  if (!tps?.[1]) throw new Error(`could not read pgbench's rate from:\n${stdout}`);
  const lat = /latency average = ([\d.]+) ms/.exec(stdout);
  await run('dropdb', ['--if-exists', DB], { env });
  return {
    tool: `pgbench (${pgbench})`,
    command: `pgbench ${args.join(' ')}  (after pgbench -i -s ${opts.scale})`,
    selectsPerSecond: Number(tps[1]),
    latencyMsAvg: lat?.[1] ? Number(lat[1]) : undefined,
  };
}
