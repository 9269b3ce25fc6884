import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { AuditLog, type AuditRecord } from '../../src/auth/audit/audit-log.js';
import { verifyAudit } from '../../src/auth/audit/verify-command.js';
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
    log = new AuditLog(tdb.db);
    owner = new pg.Client({ connectionString: tdb.url });
    await owner.connect();
  });
  after(async () => {
    await owner.end();
    await tdb.close();
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
    assert.deepEqual(await log.verify(A), { ok: false, entries: 56, seq: '57', problem: 'altered' });
    const lines: string[] = [];
    assert.equal(await verifyAudit(tdb.url, { print: (l) => lines.push(l) }), 1);
    assert.ok(
      lines.some((l) => l.startsWith('tenant-a: BROKEN at entry 57 (altered)')),
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
    assert.deepEqual(await log.verify(A), { ok: false, entries: 2, seq: '3', problem: 'altered' });
    await owner.query(
      `UPDATE audit_log SET recorded = recorded + interval '1 day' WHERE tenant_id = $1 AND seq = 3`,
      [A],
    );

    await owner.query('DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 90', [A]);
    assert.deepEqual(await log.verify(A), { ok: false, entries: 89, seq: '90', problem: 'missing' });
    await owner.query('DELETE FROM audit_log WHERE tenant_id = $1 AND seq >= 90', [A]);
    assert.deepEqual(await log.verify(A), { ok: false, entries: 89, seq: '90', problem: 'missing' });
    assert.equal(await verifyAudit(tdb.url, { tenant: 'tenant-b', print: () => undefined }), 0);
  });
});
