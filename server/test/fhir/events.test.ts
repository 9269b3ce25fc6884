import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InProcessEventBus } from '../../src/platform/events/in-process-bus.js';
import { OutboxRelay } from '../../src/platform/events/outbox-relay.js';
import type { BusEvent, ResourceChangedPayload } from '../../src/platform/events/types.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** In-process subscribers hear about each committed FHIR change once, after commit, and never about rolled-back ones. */
describe('resource-changed events reach subscribers after commit', () => {
  let tdb: TestDatabase;
  let s: TestServer;
  let relay: OutboxRelay;
  const received: BusEvent[] = [];
  const committedAtDelivery: boolean[] = [];

  before(async () => {
    tdb = await createTestDatabase();
    const bus = new InProcessEventBus();
    bus.subscribe('clinical', async (event) => {
      received.push(event);
      // the change the event announces is already visible to a fresh connection
      const p = event.payload as unknown as ResourceChangedPayload;
      const row = await tdb.db.query(
        event.tenantId,
        'SELECT version_id FROM resource WHERE res_type = $1 AND id = $2',
        [p.resourceType, p.id],
      );
      committedAtDelivery.push(
        Number((row.rows[0] as { version_id?: number } | undefined)?.version_id) >= Number(p.versionId),
      );
    });
    relay = new OutboxRelay(tdb.db, bus, { pollMs: 60_000 });
    s = await startTestServer({ tdb, onCommitted: () => relay.kick() });
    relay.start();
  });
  after(async () => {
    await relay.stop();
    await s.close();
    await tdb.close();
  });

  it('delivers create, update and delete once each, and nothing for a failed transaction', async () => {
    const p = (await s.request('POST', '/Patient', { resourceType: 'Patient' })).body;
    await s.request('PUT', `/Patient/${p.id}`, { ...p, active: true });
    await s.request('DELETE', `/Patient/${p.id}`);
    const failed = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', active: false }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'DELETE', url: 'Patient/missing' } },
      ],
    });
    assert.equal(failed.status, 404);
    await relay.idle();
    await relay.drain();
    const mine = received.map((e) => e.payload as unknown as ResourceChangedPayload);
    assert.deepEqual(
      mine.map((e) => [e.action, e.id, e.versionId]),
      [
        ['create', p.id, '1'],
        ['update', p.id, '2'],
        ['delete', p.id, '3'],
      ],
    );
    assert.equal(new Set(received.map((e) => e.eventId)).size, 3);
    assert.ok(received.every((e) => e.type === 'fhir.resource.changed' && e.tenantId === tdb.tenantA));
    assert.deepEqual(committedAtDelivery, [true, true, true]);
  });
});
