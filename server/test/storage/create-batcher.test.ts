import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { definitions } from '../../src/fhir/definitions/index.js';
import { createIndexer } from '../../src/fhir/search/indexer/index.js';
import { CreateBatcher } from '../../src/fhir/storage/create-batcher.js';
import { ResourceStore } from '../../src/fhir/storage/resource-store.js';
import { SearchParamRegistry } from '../../src/fhir/storage/search-param-registry.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('coalesced creates', () => {
  let tdb: TestDatabase;
  let store: ResourceStore;
  before(async () => {
    tdb = await createTestDatabase();
    const defs = definitions();
    const registry = await SearchParamRegistry.load(tdb.db, defs);
    store = new ResourceStore(registry, createIndexer(defs, { baseUrl: 'http://localhost/fhir/R4' }));
  });
  after(async () => tdb.close());

  it('shares statements among concurrent creates, each with its own id, version, index rows, history and event', async () => {
    const batcher = new CreateBatcher(tdb.db, store, { maxInFlight: 2, maxBatch: 16 });
    const n = 60;
    const created = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        batcher.create(tdb.tenantA, {
          resourceType: 'Patient',
          name: [{ family: `Batch${i}` }],
          gender: 'other',
        }),
      ),
    );
    const { statements } = batcher.stats();
    assert.ok(statements < n, `expected coalescing, got ${statements} statements for ${n} creates`);
    assert.equal(new Set(created.map((c) => c.id)).size, n);
    created.forEach((c, i) => {
      assert.equal(c.versionId, 1);
      assert.match(c.content ?? '', new RegExp(`"family":"Batch${i}"`));
    });
    const q = (sql: string, params: unknown[] = []) => tdb.db.query(tdb.tenantA, sql, params);
    const ids = created.map((c) => c.id);
    const count = async (sql: string) => Number(((await q(sql, [ids])).rows[0] as { n: string }).n);
    assert.equal(await count(`SELECT count(*) AS n FROM resource WHERE id = ANY($1)`), n);
    assert.equal(
      await count(
        `SELECT count(*) AS n FROM resource WHERE id = ANY($1) AND method = 'POST' AND version_id = 1`,
      ),
      n,
    );
    // resource_history holds replaced versions only: none yet
    assert.equal(await count(`SELECT count(*) AS n FROM resource_history WHERE id = ANY($1)`), 0);
    assert.equal(await count(`SELECT count(*) AS n FROM outbox WHERE payload->>'id' = ANY($1)`), n);
    // each resource's own index rows: its family name, under its own rid
    const rows = await q(
      `SELECT r.id, s.value FROM resource r JOIN idx_string s ON s.rid = r.rid
       JOIN search_param p ON p.id = s.param_id AND p.code = 'family' WHERE r.id = ANY($1)`,
      [ids],
    );
    const family = new Map(rows.rows.map((r) => [r.id as string, r.value as string]));
    created.forEach((c, i) => assert.equal(family.get(c.id), `Batch${i}`));
  });

  it('under load, holds a few creates back until enough gather to share a commit', async () => {
    const batcher = new CreateBatcher(tdb.db, store, { maxInFlight: 2, minBatch: 3, lingerMs: 60_000 });
    const p = (family: string) =>
      batcher.create(tdb.tenantA, { resourceType: 'Patient', name: [{ family }] });
    // The first is written at once; the next two wait (one statement is in flight, fewer than three
    // wait); the fourth makes three, which go together without waiting for the linger timer.
    const all = await Promise.all([p('LingerA'), p('LingerB'), p('LingerC'), p('LingerD')]);
    assert.deepEqual(batcher.stats(), { statements: 2, created: 4 });
    assert.equal(new Set(all.map((c) => c.id)).size, 4);
  });

  it('writes a held create once the statement in flight is done, or when the linger time is up', async () => {
    const batcher = new CreateBatcher(tdb.db, store, { maxInFlight: 2, minBatch: 8, lingerMs: 60_000 });
    const p = (family: string) =>
      batcher.create(tdb.tenantA, { resourceType: 'Patient', name: [{ family }] });
    const [a, b] = await Promise.all([p('AloneA'), p('AloneB')]);
    assert.notEqual(a.id, b.id);
    assert.deepEqual(batcher.stats(), { statements: 2, created: 2 });
    const short = new CreateBatcher(tdb.db, store, { maxInFlight: 2, minBatch: 8, lingerMs: 1 });
    const done = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        short.create(tdb.tenantA, { resourceType: 'Patient', name: [{ family: `Short${i}` }] }),
      ),
    );
    assert.equal(done.length, 5);
    assert.equal(short.stats().created, 5);
  });

  it('writes a lone create at once, without waiting for company', async () => {
    const batcher = new CreateBatcher(tdb.db, store);
    const one = await batcher.create(tdb.tenantB, { resourceType: 'Practitioner', active: true });
    assert.equal(batcher.stats().statements, 1);
    const row = await tdb.db.query(tdb.tenantB, 'SELECT version_id FROM resource WHERE id = $1', [one.id]);
    assert.equal((row.rows[0] as { version_id: number }).version_id, 1);
  });
});
