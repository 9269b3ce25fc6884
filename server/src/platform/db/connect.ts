import pg from 'pg';
import type { Config } from '../../config.js';
import { startEmbeddedPostgres } from './embedded.js';

export interface DatabaseServer {
  /** Owner connection string: migrations run with it; the pool switches to the application role. */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The configured external PostgreSQL, or an embedded one under DATA_DIR with an `openvisit` database. */
export async function openDatabaseServer(config: Config): Promise<DatabaseServer> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort });
  try {
    const url = await ensureDatabase(server.url, 'openvisit');
    return { url, embedded: true, stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Creates database `name` on the server of `adminUrl` if missing and returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('invalid database name');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
