import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { InProcessEventBus } from '../../src/platform/events/in-process-bus.js';
import { oncePerEvent } from '../../src/platform/events/idempotent.js';
import { OutboxRelay, outboxStats } from '../../src/platform/events/outbox-relay.js';
import type { BusEvent } from '../../src/platform/events/types.js';
import type { Queryable } from '../../src/platform/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;

before(async () => {
  t = await createTestDatabase();
});

after(async () => {
  await t.close();
});

beforeEach(async () => {
  // Earlier tests leave published rows; each test starts with an empty outbox.
  await t.db.relayTransaction((q) => q.query('DELETE FROM outbox'));
});

async function insertEvent(q: Queryable, tenantId: number, n: number): Promise<string> {
  const id = crypto.randomUUID();
  await q.query(
    `INSERT INTO outbox (tenant_id, event_id, topic, type, payload) VALUES ($1, $2, 'clinical', 'test.event', $3)`,
    [tenantId, id, JSON.stringify({ n })],
  );
  return id;
}

async function commitEvents(count: number, tenantId = t.tenantA): Promise<string[]> {
  return t.db.transaction(tenantId, async (q) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await insertEvent(q, tenantId, i));
    return ids;
  });
}

function collector(bus: InProcessEventBus, into: BusEvent[] = []): BusEvent[] {
  bus.subscribe('clinical', (e) => void into.push(e));
  return into;
}

async function unpublished(): Promise<number> {
  return (await outboxStats(t.db)).backlog;
}

test('each committed row is delivered exactly once, in seq order, with its fields', async () => {
  const bus = new InProcessEventBus();
  const got = collector(bus);
  const relay = new OutboxRelay(t.db, bus, { batchSize: 7 });
  const ids = [...(await commitEvents(20)), ...(await commitEvents(3, t.tenantB))];
  assert.equal(await relay.drain(), 23);
  assert.equal(await relay.drain(), 0, 'a second pass finds nothing');
  assert.deepEqual(
    got.map((e) => e.eventId),
    ids,
  );
  const first = got[0];
  assert.ok(first);
  assert.equal(first.tenantId, t.tenantA);
  assert.equal(first.type, 'test.event');
  assert.deepEqual(first.payload, { n: 0 });
  assert.ok(!Number.isNaN(Date.parse(first.createdAt)));
  assert.equal(got.at(-1)?.tenantId, t.tenantB);
  assert.equal(await unpublished(), 0);
});

test('rows of a rolled-back transaction are never delivered', async () => {
  const bus = new InProcessEventBus();
  const got = collector(bus);
  const relay = new OutboxRelay(t.db, bus);
  await assert.rejects(
    t.db.transaction(t.tenantA, async (q) => {
      await insertEvent(q, t.tenantA, 1);
      throw new Error('change failed');
    }),
    /change failed/,
  );
  const kept = await commitEvents(1);
  await relay.drain();
  assert.deepEqual(
    got.map((e) => e.eventId),
    kept,
  );
});

test('two relays on one database deliver each event once between them', async () => {
  const ids = await commitEvents(300);
  const got: BusEvent[] = [];
  const busA = new InProcessEventBus();
  const busB = new InProcessEventBus();
  collector(busA, got);
  collector(busB, got);
  // Slow subscribers keep batches open, so the relays really overlap.
  busA.subscribe('clinical', () => new Promise((r) => setImmediate(r)));
  busB.subscribe('clinical', () => new Promise((r) => setImmediate(r)));
  const a = new OutboxRelay(t.db, busA, { batchSize: 10 });
  const b = new OutboxRelay(t.db, busB, { batchSize: 10 });
  const [na, nb] = await Promise.all([a.drain(), b.drain()]);
  assert.equal(na + nb, 300);
  const delivered = got.map((e) => e.eventId);
  assert.equal(new Set(delivered).size, delivered.length, 'no event delivered twice');
  assert.deepEqual([...delivered].sort(), [...ids].sort());
});

test('kick() publishes promptly, coalesces, and stop() waits for the drain', async () => {
  const bus = new InProcessEventBus();
  const got = collector(bus);
  const relay = new OutboxRelay(t.db, bus, { pollMs: 3_600_000 });
  relay.start();
  await relay.idle();
  const ids = await commitEvents(5);
  for (let i = 0; i < 10; i++) relay.kick();
  await relay.idle();
  assert.deepEqual(
    got.map((e) => e.eventId),
    ids,
  );
  await relay.stop();
  await commitEvents(1);
  relay.kick();
  await relay.idle();
  assert.equal(got.length, 5, 'a stopped relay publishes nothing');
});

test('the poll picks up rows nobody kicked for (other nodes, crash recovery)', async () => {
  const bus = new InProcessEventBus();
  const relay = new OutboxRelay(t.db, bus, { pollMs: 20 });
  const ids = await commitEvents(3);
  const seen = new Promise<string[]>((resolve) => {
    const got: string[] = [];
    bus.subscribe('clinical', (e) => {
      got.push(e.eventId);
      if (got.length === 3) resolve(got);
    });
  });
  relay.start();
  assert.deepEqual(await seen, ids);
  await relay.stop();
});

test('a failing subscriber leaves the batch unpublished; idempotent subscribers see it once', async () => {
  const bus = new InProcessEventBus();
  const effects: string[] = [];
  bus.subscribe(
    'clinical',
    oncePerEvent((e) => void effects.push(e.eventId)),
  );
  let fail = true;
  bus.subscribe('clinical', () => {
    if (fail) throw new Error('downstream unavailable');
  });
  const errors: unknown[] = [];
  const relay = new OutboxRelay(t.db, bus, { log: { error: (o: unknown) => void errors.push(o) } });
  const ids = await commitEvents(2);
  await assert.rejects(relay.drain());
  assert.equal(await unpublished(), 2);
  relay.kick();
  await relay.idle();
  assert.equal(errors.length, 1, 'a failed background drain is logged');
  fail = false;
  assert.equal(await relay.drain(), 2);
  assert.deepEqual(effects, ids, 'redelivered events were applied once');
  assert.equal(await unpublished(), 0);
});

test('outboxStats reports backlog and lag', async () => {
  assert.deepEqual(await outboxStats(t.db), { backlog: 0, lagSeconds: 0 });
  await commitEvents(4);
  const s = await outboxStats(t.db);
  assert.equal(s.backlog, 4);
  assert.ok(s.lagSeconds >= 0);
});
