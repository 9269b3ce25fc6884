import assert from 'node:assert/strict';
import pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { verifyAudit } from '../../src/auth/audit/verify-command.js';
import { auditEventsOf } from '../../src/auth/audit/entries.js';
import type { FhirJson } from '../support/server.js';
import { seededRandom as rng } from '../support/seeded-random.js';
import { startSecuredServer, type SecuredServer } from './support/secured-server.js';

interface Call {
  token: string;
  method: string;
  path: string;
  body?: unknown;
  /** Patients whose records the call touches when it succeeds ([] = not a PHI access). */
  patients: string[];
  /** The policy must deny it (and audit the denial). */
  denied: boolean;
}

describe('audit completeness', () => {
  let s: SecuredServer;
  const patients: string[] = [];
  const observations = new Map<string, string>();
  let practitioner = '';

  before(async () => {
    s = await startSecuredServer({ RATE_LIMIT_CLIENT_RPS: '0', RATE_LIMIT_TENANT_RPS: '0' });
    const admin = await s.backendToken('system/*.cruds');
    const post = async (r: FhirJson) =>
      (await s.as(admin, 'POST', `/${r.resourceType as string}`, r)).body.id as string;
    practitioner = await post({ resourceType: 'Practitioner', name: [{ family: 'Audit' }] });
    for (let i = 0; i < 5; i++) {
      const p = await post({ resourceType: 'Patient', name: [{ family: `Audit${i}` }] });
      patients.push(p);
      const o = await post({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'weight' },
        subject: { reference: `Patient/${p}` },
      });
      observations.set(o, p);
      // the clinician cares for the first three
      if (i < 3)
        await post({
          resourceType: 'Encounter',
          status: 'finished',
          class: { code: 'VR' },
          subject: { reference: `Patient/${p}` },
          participant: [{ individual: { reference: `Practitioner/${practitioner}` } }],
        });
    }
  });
  after(async () => s?.close());

  it('1,000 calls by several roles leave one patient entity per PHI access, and nothing else', async () => {
    const [p0, p1, , p3] = patients as [string, string, string, string];
    await s.createAccount('aud-patient', ['patient'], `Patient/${p0}`);
    await s.createAccount('aud-clinician', ['clinician'], `Practitioner/${practitioner}`);
    await s.createAccount('aud-desk', ['front-desk']);
    const tokens = {
      patient: (await s.signIn('aud-patient', 'openid launch/patient patient/*.cruds')).access_token,
      clinician: (await s.signIn('aud-clinician', 'openid fhirUser user/*.cruds')).access_token,
      desk: (await s.signIn('aud-desk', 'openid fhirUser user/*.cruds')).access_token,
      service: await s.backendToken('system/*.rs'),
    };
    const baseline = await s.tdb.db.query<{ n: number }>(
      s.tdb.tenantA,
      'SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1',
      [s.tdb.tenantA],
    );
    const obsOf = (p: string) => [...observations].find(([, pat]) => pat === p)?.[0] ?? '';
    const cared = patients.slice(0, 3);
    const kinds: ((r: () => number) => Call)[] = [
      () => ({ token: tokens.patient, method: 'GET', path: `/Patient/${p0}`, patients: [p0], denied: false }),
      () => ({
        token: tokens.patient,
        method: 'GET',
        path: `/Observation/${obsOf(p0)}`,
        patients: [p0],
        denied: false,
      }),
      () => ({ token: tokens.patient, method: 'GET', path: '/Observation', patients: [p0], denied: false }),
      () => ({ token: tokens.patient, method: 'GET', path: `/Patient/${p1}`, patients: [], denied: true }),
      () => ({
        token: tokens.patient,
        method: 'GET',
        path: `/Practitioner/${practitioner}`,
        patients: [],
        denied: false,
      }),
      (r) => {
        const p = cared[Math.floor(r() * cared.length)] ?? p0;
        return {
          token: tokens.clinician,
          method: 'GET',
          path: `/Patient/${p}`,
          patients: [p],
          denied: false,
        };
      },
      () => ({
        token: tokens.clinician,
        method: 'GET',
        path: '/Observation?_count=50',
        patients: cared,
        denied: false,
      }),
      () => ({ token: tokens.clinician, method: 'GET', path: `/Patient/${p3}`, patients: [], denied: true }),
      () => ({
        token: tokens.clinician,
        method: 'POST',
        path: '/Observation',
        body: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'bp' },
          subject: { reference: `Patient/${p1}` },
        },
        patients: [p1],
        denied: false,
      }),
      () => ({ token: tokens.desk, method: 'GET', path: `/Patient/${p3}`, patients: [p3], denied: false }),
      () => ({
        token: tokens.desk,
        method: 'GET',
        path: `/Observation/${obsOf(p3)}`,
        patients: [],
        denied: true,
      }),
      () => ({
        token: tokens.service,
        method: 'GET',
        path: `/Observation/${obsOf(p1)}`,
        patients: [p1],
        denied: false,
      }),
      () => ({ token: tokens.service, method: 'GET', path: '/Practitioner', patients: [], denied: false }),
    ];
    const r = rng(20261122);
    const expected = new Map<string, number>();
    let expectedDenied = 0;
    for (let i = 0; i < 1000; i++) {
      const call = kinds[Math.floor(r() * kinds.length)]?.(r);
      assert.ok(call);
      const res = await s.as(call.token, call.method, call.path, call.body);
      if (call.denied) {
        assert.ok(res.status === 403 || res.status === 404, `${call.path} → ${res.status}`);
        expectedDenied++;
        continue;
      }
      assert.ok(res.status < 300, `${call.method} ${call.path} → ${res.status} ${res.text}`);
      for (const p of call.patients) expected.set(p, (expected.get(p) ?? 0) + 1);
    }
    // Creates by the clinician add observations of p1, which later searches then return too: the
    // searches' expectation above (the cared-for patients) already covers p1.
    const rows = await s.tdb.db.query<{ seq: string; event: string; recorded: Date }>(
      s.tdb.tenantA,
      'SELECT seq::text, event, recorded FROM audit_log WHERE tenant_id = $1 ORDER BY audit_log.id OFFSET $2',
      [s.tdb.tenantA, baseline.rows[0]?.n ?? 0],
    );
    const events = rows.rows.flatMap((x) => auditEventsOf(x.event, x.recorded, x.seq) as FhirJson[]);
    const success = events.filter((e) => e.outcome === '0' && e.type?.code === 'rest');
    const denied = events.filter((e) => e.outcome === '4');
    const actual = new Map<string, number>();
    for (const e of success)
      for (const ent of e.entity ?? [])
        if (ent.role?.code === '1') {
          const p = String(ent.what.reference).replace('Patient/', '');
          actual.set(p, (actual.get(p) ?? 0) + 1);
        }
    assert.deepEqual(Object.fromEntries([...actual].sort()), Object.fromEntries([...expected].sort()));
    assert.equal(denied.length, expectedDenied);
    assert.ok(
      success.every((e) => (e.entity ?? []).some((x: FhirJson) => x.role?.code === '1')),
      'no event without a patient',
    );
  });

  it('altering one audit row makes `audit verify` fail and name it', async () => {
    const lines: string[] = [];
    assert.equal(await verifyAudit(s.tdb.url, { tenant: 'tenant-a', print: (l) => lines.push(l) }), 0);
    const owner = new pg.Client({ connectionString: s.tdb.url });
    await owner.connect();
    try {
      const target = await owner.query<{ lane: number; seq: string }>(
        `SELECT lane, seq::text FROM audit_log WHERE tenant_id = $1 AND event LIKE '%"outcome":"success"%'
         ORDER BY audit_log.id OFFSET 10 LIMIT 1`,
        [s.tdb.tenantA],
      );
      const { lane, seq } = target.rows[0] ?? { lane: -1, seq: '' };
      await owner.query(
        `UPDATE audit_log SET event = replace(event, '"outcome":"success"', '"outcome":"denied"') WHERE tenant_id = $1 AND lane = $2 AND seq = $3`,
        [s.tdb.tenantA, lane, seq],
      );
      lines.length = 0;
      assert.equal(await verifyAudit(s.tdb.url, { tenant: 'tenant-a', print: (l) => lines.push(l) }), 1);
      assert.match(lines.join('\n'), new RegExp(`BROKEN at entry ${seq} of chain ${lane} \\(altered\\)`));
    } finally {
      await owner.end();
    }
  });
});
