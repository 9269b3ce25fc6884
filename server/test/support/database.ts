import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../../src/platform/db/connect.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/platform/db/embedded.js';
import { type MigrationSource, migrate } from '../../src/platform/db/migrate.js';
import { Database } from '../../src/platform/db/pool.js';
import { ensureTenant } from '../../src/platform/db/tenants.js';
import { appMigrations } from '../../src/migrations.js';

export interface TestDatabase {
  /** Owner URL of this test's own database. */
  url: string;
  db: Database;
  tenantA: number;
  tenantB: number;
  close(): Promise<void>;
}

let embedded: Promise<EmbeddedDatabase> | undefined;
const EMBEDDED_DIR = path.join(os.tmpdir(), `openvisit-test-${process.pid}`);

/**
 * The PostgreSQL server tests use: TEST_DATABASE_URL (scripts/test.sh starts one for the whole run,
 * embedded or Debian's), else an embedded server started for this test process.
 */
async function adminUrl(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  embedded ??= startEmbeddedPostgres({
    dataDir: EMBEDDED_DIR,
    port: 20_000 + (process.pid % 10_000),
  });
  return (await embedded).url;
}

/**
 * A fresh, migrated database with two tenants, dropped again by close(). `migrations` replaces the
 * full set, e.g. to test a migration against data written under an earlier schema.
 */
export async function createTestDatabase(
  opts: { migrations?: MigrationSource[] } = {},
): Promise<TestDatabase> {
  const admin = await adminUrl();
  const name = `ov_test_${crypto.randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(admin, name);
  await migrate(url, opts.migrations ?? appMigrations);
  const db = new Database(url, { max: 10 });
  const tenantA = await ensureTenant(db, 'tenant-a');
  const tenantB = await ensureTenant(db, 'tenant-b');
  return {
    url,
    db,
    tenantA,
    tenantB,
    async close() {
      await db.close();
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      if (embedded && !process.env.TEST_DATABASE_URL) {
        const e = await embedded;
        embedded = undefined;
        await e.stop();
        // A throwaway cluster: nothing of it is needed once this test process is done with it.
        fs.rmSync(EMBEDDED_DIR, { recursive: true, force: true });
      }
    },
  };
}
