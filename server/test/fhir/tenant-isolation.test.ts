import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('tenant isolation', () => {
  let tdb: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    tdb = await createTestDatabase();
    a = await startTestServer({ tdb, tenant: 'A' });
    b = await startTestServer({ tdb, tenant: 'B' });
  });
  after(async () => {
    await a.close();
    await b.close();
    await tdb.close();
  });

  it('keeps each tenant to its own resources over the API', async () => {
    const mine = (
      await a.request('POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Isolated' }] })
    ).body;
    assert.equal((await b.request('GET', `/Patient/${mine.id}`)).status, 404);
    assert.equal((await b.request('GET', '/Patient?family=Isolated')).body.entry?.length ?? 0, 0);
    assert.equal((await b.request('GET', `/Patient/${mine.id}/_history`)).status, 404);
    // the same id may exist in both tenants, independently
    const theirs = await b.request('PUT', `/Patient/${mine.id}`, {
      resourceType: 'Patient',
      id: mine.id,
      active: false,
    });
    assert.equal(theirs.status, 201);
    assert.equal((await a.request('GET', `/Patient/${mine.id}`)).body.meta.versionId, '1');
  });

  it('row-level security hides other tenants even from a query without a tenant filter', async () => {
    // Each tenant writes a resource and updates it, so both have rows in every table, history included.
    for (const [client, family] of [
      [a, 'RlsA'],
      [b, 'RlsB'],
    ] as const) {
      const created = await client.request('POST', '/Patient', {
        resourceType: 'Patient',
        name: [{ family }],
      });
      const id = (created.body as { id: string }).id;
      const updated = await client.request('PUT', `/Patient/${id}`, {
        resourceType: 'Patient',
        id,
        name: [{ family: `${family}2` }],
      });
      assert.equal(updated.status, 200);
    }
    // deliberately unfiltered: no WHERE tenant_id, on every tenant table
    for (const table of ['resource', 'resource_history', 'idx_string', 'idx_token', 'outbox']) {
      const rows = await tdb.db.query(tdb.tenantA, `SELECT DISTINCT tenant_id FROM ${table}`);
      assert.deepEqual(
        rows.rows.map((r) => (r as { tenant_id: number }).tenant_id),
        [tdb.tenantA],
        `table ${table}`,
      );
    }
    const inTx = await tdb.db.transaction(tdb.tenantB, (q) =>
      q.query('SELECT DISTINCT tenant_id FROM resource'),
    );
    assert.deepEqual(
      inTx.rows.map((r) => (r as { tenant_id: number }).tenant_id),
      [tdb.tenantB],
    );
  });

  it('refuses writes into another tenant even when the SQL names it', async () => {
    await assert.rejects(
      tdb.db.query(
        tdb.tenantA,
        `INSERT INTO resource (tenant_id, res_type, id, version_id, last_updated, method, content) VALUES ($1, 'Patient', 'smuggled', 1, now(), 'POST', '{}')`,
        [tdb.tenantB],
      ),
      /row-level security/,
    );
  });
});
