import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

/** Every committed change leaves exactly one event in the outbox; failed writes leave none. */
describe('resource-changed events', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  async function events(): Promise<
    { type: string; payload: { resourceType: string; id: string; versionId: string; action: string } }[]
  > {
    const r = await s.tdb.db.query(s.tdb.tenantA, 'SELECT type, payload FROM outbox ORDER BY seq');
    return r.rows.map((row) => ({
      type: row.type as string,
      payload: JSON.parse(row.payload as string) as {
        resourceType: string;
        id: string;
        versionId: string;
        action: string;
      },
    }));
  }

  it('writes one event per committed change and none for rejected or rolled-back writes', async () => {
    const before = (await events()).length;
    const p = (await s.request('POST', '/Patient', { resourceType: 'Patient' })).body;
    await s.request('PUT', `/Patient/${p.id}`, { ...p, active: true });
    await s.request('DELETE', `/Patient/${p.id}`);
    await s.request('POST', '/Patient', { resourceType: 'Patient', gender: 'robot' });
    await s.request('PUT', `/Patient/${p.id}`, { ...p, active: false }, { 'if-match': 'W/"1"' });
    await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'DELETE', url: 'Patient/not-there' } },
      ],
    });
    const after = (await events()).slice(before);
    assert.deepEqual(
      after.map((e) => [e.type, e.payload.action, e.payload.id, e.payload.versionId]),
      [
        ['fhir.resource.changed', 'create', p.id, '1'],
        ['fhir.resource.changed', 'update', p.id, '2'],
        ['fhir.resource.changed', 'delete', p.id, '3'],
      ],
    );
    assert.ok(
      after.every((e) => Object.keys(e.payload).sort().join() === 'action,id,resourceType,versionId'),
    );
  });
});
