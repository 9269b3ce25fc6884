import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** A folder of versioned SQL files `NNNN_name.sql`, applied in order, each once. */
export interface MigrationSource {
  scope: string;
  dir: string;
}

export const platformMigrations: MigrationSource = {
  scope: 'platform',
  dir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
};

interface MigrationFile {
  scope: string;
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

function readSources(sources: MigrationSource[]): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const src of sources) {
    for (const file of fs.readdirSync(src.dir).sort()) {
      const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!m) continue;
      const sql = fs.readFileSync(path.join(src.dir, file), 'utf8');
      files.push({
        scope: src.scope,
        version: Number(m[1]),
        name: m[2] as string,
        sql,
        checksum: crypto.createHash('sha256').update(sql).digest('hex'),
      });
    }
  }
  return files;
}

const LOCK_KEY = 7_305_110_001; // any constant: serializes concurrent migrators

/**
 * Applies pending migrations in one transaction per file under an advisory lock, so several nodes
 * starting at once apply each file exactly once. Runs as the connecting (owner) role.
 */
export async function migrate(url: string, sources: MigrationSource[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      scope text NOT NULL, version integer NOT NULL, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version))`);
    const done = await client.query<{ scope: string; version: number; checksum: string }>(
      'SELECT scope, version, checksum FROM schema_migration',
    );
    const seen = new Map(done.rows.map((r) => [`${r.scope}/${r.version}`, r.checksum]));
    for (const f of readSources(sources)) {
      const key = `${f.scope}/${f.version}`;
      const prior = seen.get(key);
      if (prior !== undefined) {
        if (prior !== f.checksum)
          throw new Error(`migration ${key}_${f.name} was changed after it was applied`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(f.sql);
        await client.query(
          'INSERT INTO schema_migration (scope, version, name, checksum) VALUES ($1, $2, $3, $4)',
          [f.scope, f.version, f.name, f.checksum],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${key}_${f.name} failed: ${(err as Error).message}`);
      }
      applied.push(`${f.scope}/${f.version}_${f.name}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return applied;
}

/** True when every known migration has been applied (readiness). */
export async function pendingMigrations(
  db: { global: (sql: string) => Promise<pg.QueryResult> },
  sources: MigrationSource[],
): Promise<number> {
  const res = await db.global('SELECT scope, version FROM schema_migration');
  const have = new Set(res.rows.map((r) => `${String(r.scope)}/${String(r.version)}`));
  return readSources(sources).filter((f) => !have.has(`${f.scope}/${f.version}`)).length;
}
