import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { definitions } from '../../src/fhir/definitions/index.js';
import { createIndexer } from '../../src/fhir/search/indexer/index.js';
import { readHistory } from '../../src/fhir/storage/history-store.js';
import { fhirMigrations } from '../../src/fhir/storage/migrations.js';
import { ResourceStore } from '../../src/fhir/storage/resource-store.js';
import { SearchParamRegistry } from '../../src/fhir/storage/search-param-registry.js';
import { migrate, platformMigrations } from '../../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Migration 0004 moves current versions out of resource_history. Data written before it (every
// version in history, current one included) must read the same afterwards.

let tdb: TestDatabase;
let earlier: string;

before(async () => {
  earlier = fs.mkdtempSync(path.join(os.tmpdir(), 'ov-fhir-migrations-'));
  for (const f of fs.readdirSync(fhirMigrations.dir).filter((f) => f < '0004')) {
    fs.copyFileSync(path.join(fhirMigrations.dir, f), path.join(earlier, f));
  }
  tdb = await createTestDatabase({ migrations: [platformMigrations, { scope: 'fhir', dir: earlier }] });
  const A = tdb.tenantA;
  const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString();
  const doc = (id: string, v: number, family: string) =>
    JSON.stringify({
      resourceType: 'Patient',
      id,
      meta: { versionId: String(v), lastUpdated: t(v) },
      name: [{ family }],
    });
  // As the earlier schema wrote them: resource = current version, history = every version.
  const rows: [string, number, boolean, string | null, [number, string, string | null][]][] = [
    ['created', 1, false, doc('created', 1, 'One'), [[1, 'POST', doc('created', 1, 'One')]]],
    [
      'updated',
      2,
      false,
      doc('updated', 2, 'Two'),
      [
        [1, 'POST', doc('updated', 1, 'One')],
        [2, 'PUT', doc('updated', 2, 'Two')],
      ],
    ],
    [
      'deleted',
      2,
      true,
      null,
      [
        [1, 'POST', doc('deleted', 1, 'One')],
        [2, 'DELETE', null],
      ],
    ],
  ];
  await tdb.db.transaction(A, async (q) => {
    for (const [id, version, deleted, content, history] of rows) {
      const r = await q.query<{ rid: string }>(
        `INSERT INTO resource (tenant_id, res_type, id, version_id, last_updated, deleted, content)
         VALUES ($1, 'Patient', $2, $3, $4, $5, $6) RETURNING rid`,
        [A, id, version, t(version), deleted, content],
      );
      for (const [v, method, c] of history) {
        await q.query(
          `INSERT INTO resource_history (tenant_id, rid, res_type, id, version_id, last_updated, method, content)
           VALUES ($1, $2, 'Patient', $3, $4, $5, $6, $7)`,
          [A, r.rows[0]?.rid, id, v, t(v), method, c],
        );
      }
    }
  });
  await migrate(tdb.url, [platformMigrations, fhirMigrations]);
});
after(async () => {
  await tdb.close();
  fs.rmSync(earlier, { recursive: true, force: true });
});

it('keeps every version readable and history complete after moving current versions out', async () => {
  const A = tdb.tenantA;
  const left = await tdb.db.query<{ id: string; version_id: number; method: string }>(
    A,
    'SELECT id, version_id, method FROM resource_history ORDER BY id, version_id',
  );
  assert.deepEqual(
    left.rows.map((r) => `${r.id}/${r.version_id}/${r.method}`),
    ['deleted/1/POST', 'updated/1/POST'],
  );
  const methods = await tdb.db.query<{ id: string; method: string }>(
    A,
    'SELECT id, method FROM resource ORDER BY id',
  );
  assert.deepEqual(
    methods.rows.map((r) => `${r.id}:${r.method}`),
    ['created:POST', 'deleted:DELETE', 'updated:PUT'],
  );

  const defs = definitions();
  const store = new ResourceStore(
    await SearchParamRegistry.load(tdb.db, defs),
    createIndexer(defs, { baseUrl: 'https://ov.test/fhir/R4' }),
  );
  await tdb.db.withTenant(A, async (q) => {
    const v1 = await store.vread(q, A, 'Patient', 'updated', 1);
    const v2 = await store.vread(q, A, 'Patient', 'updated', 2);
    assert.match(v1?.content ?? '', /"family":"One"/);
    assert.match(v2?.content ?? '', /"family":"Two"/);
    assert.equal((await store.vread(q, A, 'Patient', 'deleted', 2))?.deleted, true);
    assert.equal(await store.vread(q, A, 'Patient', 'updated', 3), undefined);

    const all = await readHistory(q, A, { resourceType: 'Patient', count: 10 });
    assert.deepEqual(all.entries.map((e) => `${e.id}/${e.versionId}/${e.method}`).sort(), [
      'created/1/POST',
      'deleted/1/POST',
      'deleted/2/DELETE',
      'updated/1/POST',
      'updated/2/PUT',
    ]);
    // An update after the migration moves version 2 into history as it was.
    await store.update(
      q,
      A,
      { resourceType: 'Patient', id: 'updated', name: [{ family: 'Three' }] },
      'updated',
      2,
    );
    const inst = await readHistory(q, A, { resourceType: 'Patient', id: 'updated', count: 10 });
    assert.deepEqual(
      inst.entries.map((e) => `${e.versionId}/${e.method}`),
      ['3/PUT', '2/PUT', '1/POST'],
    );
    assert.match(inst.entries[1]?.content ?? '', /"family":"Two"/);
  });
});
