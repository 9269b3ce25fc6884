import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { AuditLog, type AuditRecord } from '../../src/auth/audit/audit-log.js';
import { verifyAudit } from '../../src/auth/audit/verify-command.js';
import { ensureTenant } from '../../src/platform/db/tenants.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const record = (n: number, patient?: string): AuditRecord => ({
  event: {
    resourceType: 'AuditEvent',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    action: 'R',
    outcome: '0',
    agent: [{ who: { reference: `Practitioner/dr${n % 3}` }, requestor: true }],
    source: { observer: { display: 'OpenVisit' } },
    entity: patient ? [{ what: { reference: patient } }] : [],
  },
  ...(patient ? { patients: [patient] } : {}),
});

describe('audit log', () => {
  let tdb: TestDatabase;
  let log: AuditLog;
  /** The owner's connection: what someone with direct database access could do. */
  let owner: pg.Client;
  before(async () => {
    tdb = await createTestDatabase();
    // One chain per tenant here: the detection tests below name entries by their position in it.
    log = new AuditLog(tdb.db, { maxBatch: 500, lanes: 1 });
    owner = new pg.Client({ connectionString: tdb.url });
    await owner.connect();
  });
  after(async () => {
    await owner.end();
    await tdb.close();
  });

  it('keeps one chain when two writers (two nodes) append to the same tenant in turn', async () => {
    const other = new AuditLog(tdb.db, { maxBatch: 500, lanes: 1 });
    const tenant = await ensureTenant(tdb.db, 'two-writers');
    for (let i = 0; i < 6; i++) {
      const writer = i % 2 === 0 ? log : other;
      await Promise.all([0, 1, 2].map((k) => writer.append(tenant, record(i * 3 + k, 'Patient/q'))));
    }
    const r = await log.verify(tenant);
    assert.deepEqual(r, { ok: true, entries: 18 });
    const seqs = await owner.query<{ seq: string }>(
      'SELECT seq::text FROM audit_log WHERE tenant_id = $1 ORDER BY audit_log.id',
      [tenant],
    );
    assert.deepEqual(
      seqs.rows.map((x) => Number(x.seq)),
      Array.from({ length: 18 }, (_, i) => i + 1),
    );
  });

  it('spreads concurrent appends over parallel chains, each gap-free, and names an altered entry by chain', async () => {
    const lanes = new AuditLog(tdb.db, { maxBatch: 500, lanes: 4 });
    const tenant = await ensureTenant(tdb.db, 'lanes');
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => lanes.append(tenant, record(i, `Patient/l${i % 5}`))),
    );
    assert.deepEqual(await lanes.verify(tenant), { ok: true, entries: 200 });
    const per = await owner.query<{ lane: number; n: string; max: string }>(
      'SELECT lane, count(*)::text AS n, max(seq)::text AS max FROM audit_log WHERE tenant_id = $1 GROUP BY lane ORDER BY lane',
      [tenant],
    );
    assert.ok(per.rows.length > 1, 'more than one chain was used');
    for (const r of per.rows) assert.equal(r.n, r.max, `chain ${r.lane} is gap-free`);
    const target = per.rows[per.rows.length - 1];
    assert.ok(target);
    await owner.query(
      `UPDATE audit_log SET event = replace(event, '"action":"R"', '"action":"U"') WHERE tenant_id = $1 AND lane = $2 AND seq = 1`,
      [tenant, target.lane],
    );
    const broken = await lanes.verify(tenant);
    assert.equal(broken.ok, false);
    assert.deepEqual(broken.ok ? undefined : [broken.lane, broken.seq, broken.problem], [
      target.lane,
      '1',
      'altered',
    ]);
  });

  it('appends concurrent entries as one gap-free chain per tenant that verifies', async () => {
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => log.append(tdb.tenantA, record(i, `Patient/p${i % 4}`))),
    );
    await Promise.all(Array.from({ length: 7 }, (_, i) => log.append(tdb.tenantB, record(i))));
    assert.deepEqual(await log.verify(tdb.tenantA), { ok: true, entries: 120 });
    assert.deepEqual(await log.verify(tdb.tenantB), { ok: true, entries: 7 });
    const seqs = await tdb.db.query<{ n: string; max: string }>(
      tdb.tenantA,
      'SELECT count(DISTINCT seq)::text AS n, max(seq)::text AS max FROM audit_log',
    );
    assert.deepEqual(seqs.rows[0], { n: '120', max: '120' });
    const mine = await tdb.db.query<{ event: string }>(
      tdb.tenantA,
      `SELECT event FROM audit_log WHERE patients @> ARRAY['Patient/p1'] ORDER BY seq`,
    );
    assert.equal(mine.rows.length, 30);
    const first = JSON.parse(mine.rows[0]?.event ?? '{}') as { resourceType: string; recorded: string };
    assert.equal(first.resourceType, 'AuditEvent');
    assert.match(first.recorded, /^\d{4}-\d\d-\d\dT/);
  });

  it('the application role cannot change or remove entries, nor see another tenant', async () => {
    await assert.rejects(
      tdb.db.query(tdb.tenantA, `UPDATE audit_log SET event = '{}' WHERE seq = 1`),
      /permission denied/,
    );
    await assert.rejects(
      tdb.db.query(tdb.tenantA, 'DELETE FROM audit_log WHERE seq = 1'),
      /permission denied/,
    );
    const seen = await tdb.db.query<{ tenant_id: number }>(
      tdb.tenantB,
      'SELECT DISTINCT tenant_id FROM audit_log',
    );
    assert.deepEqual(
      seen.rows.map((r) => r.tenant_id),
      [tdb.tenantB],
    );
  });

  it('names the first altered entry, a removed entry, and a cut-off tail', async () => {
    const A = tdb.tenantA;
    await owner.query(
      `UPDATE audit_log SET event = replace(event, '"action":"R"', '"action":"D"') WHERE tenant_id = $1 AND seq = 57`,
      [A],
    );
    assert.deepEqual(await log.verify(A), { ok: false, entries: 56, lane: 0, seq: '57', problem: 'altered' });
    const lines: string[] = [];
    assert.equal(await verifyAudit(tdb.url, { print: (l) => lines.push(l) }), 1);
    assert.ok(
      lines.some((l) => l.startsWith('tenant-a: BROKEN at entry 57 of chain 0 (altered)')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l === 'tenant-b: ok, 7 entries'),
      lines.join('\n'),
    );
    await owner.query(
      `UPDATE audit_log SET event = replace(event, '"action":"D"', '"action":"R"') WHERE tenant_id = $1 AND seq = 57`,
      [A],
    );
    assert.deepEqual(await log.verify(A), { ok: true, entries: 120 });

    // Moving a recorded time is an alteration too.
    await owner.query(
      `UPDATE audit_log SET recorded = recorded - interval '1 day' WHERE tenant_id = $1 AND seq = 3`,
      [A],
    );
    assert.deepEqual(await log.verify(A), { ok: false, entries: 2, lane: 0, seq: '3', problem: 'altered' });
    await owner.query(
      `UPDATE audit_log SET recorded = recorded + interval '1 day' WHERE tenant_id = $1 AND seq = 3`,
      [A],
    );

    await owner.query('DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 90', [A]);
    assert.deepEqual(await log.verify(A), { ok: false, entries: 89, lane: 0, seq: '90', problem: 'missing' });
    await owner.query('DELETE FROM audit_log WHERE tenant_id = $1 AND seq >= 90', [A]);
    assert.deepEqual(await log.verify(A), { ok: false, entries: 89, lane: 0, seq: '90', problem: 'missing' });
    assert.equal(await verifyAudit(tdb.url, { tenant: 'tenant-b', print: () => undefined }), 0);
  });
});
