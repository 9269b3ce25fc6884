import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runOpenVisit, scratchDatabase } from '../support/openvisit-cli.js';

let t: TestDatabase;
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let url: string;

before(async () => {
  t = await createTestDatabase();
  scratch = await scratchDatabase(t.url, 'ov_cli');
  url = scratch.url;
});

after(async () => {
  await scratch.drop();
  await t.close();
});

const openvisit = (args: string[], env: Record<string, string> = {}) => runOpenVisit(args, { env });

test('openvisit migrate applies the schema once and never prints the password', async () => {
  const first = await openvisit(['migrate'], { DATABASE_URL: url });
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /Applied \d+:/);
  assert.match(first.out, /platform\/1_platform/);
  const password = new URL(url).password;
  if (password) assert.ok(!first.out.includes(password));

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const res = await client.query<{ n: string }>('SELECT count(*) AS n FROM schema_migration');
  await client.end();
  assert.ok(Number(res.rows[0]?.n) >= 2);

  const second = await openvisit(['migrate'], { DATABASE_URL: url });
  assert.equal(second.code, 0, second.err);
  assert.match(second.out, /No pending migrations/);
});

test('openvisit help and unknown commands', async () => {
  const help = await openvisit(['help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /start/);
  assert.match(help.out, /migrate/);
  const bad = await openvisit(['frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Unknown command/);
});

test('a failing migrate exits non-zero without a stack trace', async () => {
  const res = await openvisit(['migrate'], { DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none' });
  assert.equal(res.code, 1);
  assert.match(res.err, /openvisit migrate failed/);
  assert.doesNotMatch(res.err, /\n\s+at /);
});

test('openvisit audit verify: ok for an intact chain, exit 1 naming an altered entry', async () => {
  const { AuditLog } = await import('../../src/auth/audit/audit-log.js');
  const log = new AuditLog(t.db);
  for (let i = 0; i < 3; i++) await log.append(t.tenantA, { access: { action: 'R', outcome: '0' } });
  const good = await openvisit(['audit', 'verify', '--tenant', 'tenant-a'], { DATABASE_URL: t.url });
  assert.equal(good.code, 0, good.err + good.out);
  assert.match(good.out, /tenant-a: ok, 3 entries/);
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  await client.query(
    `UPDATE audit_log SET event = replace(event, '"R"', '"D"') WHERE tenant_id = $1 AND seq = 2`,
    [t.tenantA],
  );
  await client.end();
  const bad = await openvisit(['audit', 'verify'], { DATABASE_URL: t.url });
  assert.equal(bad.code, 1, bad.err);
  assert.match(bad.out, /tenant-a: BROKEN at entry 2 of chain 0 \(altered\)/);
  assert.match(bad.out, /tenant-b: ok, 0 entries/);
});
