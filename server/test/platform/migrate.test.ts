import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { appMigrations } from '../../src/app.js';
import { ensureDatabase } from '../../src/platform/db/connect.js';
import { migrate, pendingMigrations, type MigrationSource } from '../../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;
const created: string[] = [];

before(async () => {
  t = await createTestDatabase();
});

after(async () => {
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
  await t.close();
});

/** An empty database on the test server. */
async function freshDatabase(): Promise<string> {
  const name = `ov_mig_${crypto.randomBytes(5).toString('hex')}`;
  created.push(name);
  return ensureDatabase(t.url, name);
}

function sourceDir(files: Record<string, string>): MigrationSource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ov-mig-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return { scope: `test_${path.basename(dir).replace(/\W/g, '_')}`, dir };
}

async function appliedCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query<{ n: string }>('SELECT count(*) AS n FROM schema_migration');
    return Number(res.rows[0]?.n);
  } finally {
    await client.end();
  }
}

test('applying twice applies nothing the second time', async () => {
  const url = await freshDatabase();
  const first = await migrate(url, appMigrations);
  assert.ok(first.length >= 2, 'platform and fhir migrations applied');
  assert.ok(first.includes('platform/1_platform'));
  assert.deepEqual(await migrate(url, appMigrations), []);
  assert.equal(await appliedCount(url), first.length);
});

test('two migrators at once apply each file exactly once', async () => {
  const url = await freshDatabase();
  const [a, b] = await Promise.all([migrate(url, appMigrations), migrate(url, appMigrations)]);
  const all = [...a, ...b].sort();
  assert.equal(new Set(all).size, all.length, 'no file applied twice');
  assert.equal(await appliedCount(url), all.length);
  assert.ok(a.length === 0 || b.length === 0, 'the advisory lock serialises the two runs');
});

test('a migration changed after it was applied is refused', async () => {
  const url = await freshDatabase();
  const src = sourceDir({ '0001_a.sql': 'CREATE TABLE mig_a (x int);' });
  await migrate(url, [src]);
  fs.writeFileSync(path.join(src.dir, '0001_a.sql'), 'CREATE TABLE mig_a (x bigint);');
  await assert.rejects(migrate(url, [src]), /changed after it was applied/);
});

test('a failing migration rolls back and is not recorded', async () => {
  const url = await freshDatabase();
  const src = sourceDir({
    '0001_ok.sql': 'CREATE TABLE mig_ok (x int);',
    '0002_bad.sql': 'CREATE TABLE mig_bad (x nosuchtype);',
  });
  await assert.rejects(migrate(url, [src]), /2_bad failed/);
  assert.equal(await appliedCount(url), 1);
});

test('pendingMigrations counts files not yet applied', async () => {
  const src = sourceDir({
    '0001_extra.sql': 'CREATE TABLE mig_extra (x int); GRANT SELECT ON mig_extra TO openvisit_app;',
  });
  assert.equal(await pendingMigrations(t.db, appMigrations), 0);
  assert.equal(await pendingMigrations(t.db, [...appMigrations, src]), 1);
  await migrate(t.url, [src]);
  assert.equal(await pendingMigrations(t.db, [...appMigrations, src]), 0);
});
