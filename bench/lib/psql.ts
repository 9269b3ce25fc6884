import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs SQL with psql on a postgres:// URL; the password travels in the environment only. */
export async function psql(url: string, sql: string): Promise<string> {
  const u = new URL(url);
  const env = {
    ...process.env,
    // A socket directory given as ?host= (the embedded server's URLs) wins over the URL's host.
    PGHOST: u.searchParams.get('host') ?? u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: u.pathname.slice(1),
  };
  const { stdout } = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
    env,
    maxBuffer: 64 << 20,
  });
  return stdout;
}
