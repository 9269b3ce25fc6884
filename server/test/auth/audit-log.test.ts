import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { AuditLog, type AuditRecord } from '../../src/auth/audit/audit-log.js';
import { auditEventsOf } from '../../src/auth/audit/entries.js';
import { verifyAudit } from '../../src/auth/audit/verify-command.js';
import { ensureTenant } from '../../src/platform/db/tenants.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const record = (n: number, patient?: string): AuditRecord => ({
  access: {
    action: 'read',
    outcome: 'success',
    agent: { sub: `1.account-${n % 3}`, roles: ['clinician'], fhirUser: `Practitioner/dr${n % 3}` },
    resources: patient ? [patient] : [],
    patients: patient ? [patient] : [],
  },
  ...(patient ? { patients: [patient] } : {}),
});

type Row = { seq: string; event: string; recorded: Date };

/** Every access stored for the tenant, as AuditEvents, in order. */
async function events(owner: pg.Client, tenant: number) {
  const res = await owner.query<Row>(
    'SELECT seq::text, event, recorded FROM audit_log WHERE tenant_id = $1 ORDER BY audit_log.id',
    [tenant],
  );
  return res.rows.flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq));
}

/** `n` appends one after another: one entry each. */
async function sequential(log: AuditLog, tenant: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await log.append(tenant, record(i, `Patient/s${i % 4}`));
}

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
    const seqs = await owner.query<{ seq: string }>(
      'SELECT seq::text FROM audit_log WHERE tenant_id = $1 ORDER BY audit_log.id',
      [tenant],
    );
    const n = seqs.rows.length;
    assert.deepEqual(await log.verify(tenant), { ok: true, entries: n });
    assert.deepEqual(
      seqs.rows.map((x) => Number(x.seq)),
      Array.from({ length: n }, (_, i) => i + 1),
    );
    assert.equal((await events(owner, tenant)).length, 18, 'every access is in the log');
  });

  it('spreads concurrent appends over parallel chains, each gap-free, and names an altered entry by chain', async () => {
    const lanes = new AuditLog(tdb.db, { maxBatch: 500, lanes: 4 });
    const tenant = await ensureTenant(tdb.db, 'lanes');
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => lanes.append(tenant, record(i, `Patient/l${i % 5}`))),
    );
    assert.equal((await lanes.verify(tenant)).ok, true);
    assert.equal((await events(owner, tenant)).length, 200);
    const per = await owner.query<{ lane: number; n: string; max: string }>(
      'SELECT lane, count(*)::text AS n, max(seq)::text AS max FROM audit_log WHERE tenant_id = $1 GROUP BY lane ORDER BY lane',
      [tenant],
    );
    assert.ok(per.rows.length > 1, 'more than one chain was used');
    for (const r of per.rows) assert.equal(r.n, r.max, `chain ${r.lane} is gap-free`);
    // The patient index covers every chain: one row per (patient, entry) that names it.
    await lanes.indexPatients(tenant);
    const expected = await owner.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM (SELECT DISTINCT p, id FROM audit_log, unnest(patients) AS p WHERE tenant_id = $1) x`,
      [tenant],
    );
    const indexed = await owner.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM audit_patient WHERE tenant_id = $1',
      [tenant],
    );
    assert.equal(indexed.rows[0]?.n, expected.rows[0]?.n);
    const l3 = await lanes.entriesOfPatient(tenant, 'Patient/l3', { before: null, limit: 500 });
    assert.equal(
      l3
        .flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq))
        .filter((e) => (e.entity ?? []).some((x) => x.what?.reference === 'Patient/l3')).length,
      40,
    );
    const target = per.rows[per.rows.length - 1];
    assert.ok(target);
    await owner.query(
      `UPDATE audit_log SET event = replace(event, '"action":"read"', '"action":"update"') WHERE tenant_id = $1 AND lane = $2 AND seq = 1`,
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

  it('batches concurrent appends into entries of one gap-free chain that verifies', async () => {
    const tenant = await ensureTenant(tdb.db, 'batched');
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => log.append(tenant, record(i, `Patient/p${i % 4}`))),
    );
    const rows = await owner.query<{ n: string; max: string }>(
      'SELECT count(*)::text AS n, max(seq)::text AS max FROM audit_log WHERE tenant_id = $1',
      [tenant],
    );
    const n = Number(rows.rows[0]?.n);
    assert.ok(n >= 1 && n < 120, `concurrent appends share entries (${n} entries)`);
    assert.equal(rows.rows[0]?.max, String(n));
    assert.deepEqual(await log.verify(tenant), { ok: true, entries: n });
    const all = await events(owner, tenant);
    assert.equal(all.length, 120);
    // "who accessed my record": before the patient index catches up, the entries are found by
    // their patients; after, through the index; the same either way.
    const whoAccessed = async () =>
      (await log.entriesOfPatient(tenant, 'Patient/p1', { before: null, limit: 1000 }))
        .flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq))
        .filter((e) => (e.entity ?? []).some((x) => x.what?.reference === 'Patient/p1'));
    const unindexed = await whoAccessed();
    assert.equal(unindexed.length, 30);
    assert.equal(await log.indexPatients(tenant), n, 'every entry indexed once');
    assert.equal(await log.indexPatients(tenant), 0, 'and not again');
    assert.deepEqual(await whoAccessed(), unindexed);
    const mine = await owner.query<Row>(
      `SELECT l.seq::text, l.event, l.recorded FROM audit_patient p
       JOIN audit_log l ON l.tenant_id = p.tenant_id AND l.id = p.entry_id
       WHERE p.tenant_id = $1 AND p.patient = 'Patient/p1'`,
      [tenant],
    );
    const p1 = mine.rows
      .flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq))
      .filter((e) => (e.entity ?? []).some((x) => x.what?.reference === 'Patient/p1'));
    assert.equal(p1.length, 30);
    assert.equal(p1[0]?.resourceType, 'AuditEvent');
    assert.match(p1[0]?.recorded ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  it('appends one after another as one entry each', async () => {
    await sequential(log, tdb.tenantA, 120);
    await sequential(log, tdb.tenantB, 7);
    assert.deepEqual(await log.verify(tdb.tenantA), { ok: true, entries: 120 });
    assert.deepEqual(await log.verify(tdb.tenantB), { ok: true, entries: 7 });
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
      `UPDATE audit_log SET event = replace(event, '"action":"read"', '"action":"delete"') WHERE tenant_id = $1 AND seq = 57`,
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
      `UPDATE audit_log SET event = replace(event, '"action":"delete"', '"action":"read"') WHERE tenant_id = $1 AND seq = 57`,
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
