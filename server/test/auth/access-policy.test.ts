import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { importJWK, SignJWT } from 'jose';
import { SigningKeys } from '../../src/auth/identity/signing-keys.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { auditEventsOf } from '../../src/auth/audit/entries.js';
import type { FhirJson } from '../support/server.js';
import { startSecuredServer, type SecuredServer } from './support/secured-server.js';

/** Ids of the entries of a searchset, as `Type/id`. */
function ids(bundle: FhirJson): string[] {
  return ((bundle.entry ?? []) as { resource: { resourceType: string; id: string } }[])
    .map((e) => `${e.resource.resourceType}/${e.resource.id}`)
    .sort();
}

describe('access policy on every FHIR interaction', () => {
  let s: SecuredServer;
  let admin: string;
  let patientA: string;
  let clinician: string;
  const refs = { A: '', B: '', obsA: '', obsB: '', obsShared: '', encA: '', p1: '', p2: '' };

  /** Denied entries of the audit log (outcome 4), newest first. */
  async function deniedEvents(): Promise<FhirJson[]> {
    const res = await s.tdb.db.query<{ seq: string; event: string; recorded: Date }>(
      s.tdb.tenantA,
      `SELECT seq::text, event, recorded FROM audit_log WHERE tenant_id = $1 ORDER BY audit_log.id DESC`,
      [s.tdb.tenantA],
    );
    return res.rows
      .flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq) as FhirJson[])
      .filter((e) => e.outcome === '4');
  }

  before(async () => {
    s = await startSecuredServer();
    admin = await s.backendToken('system/*.cruds');
    const create = async (resource: FhirJson) => {
      const res = await s.as(admin, 'POST', `/${resource.resourceType as string}`, resource);
      assert.equal(res.status, 201, res.text);
      return res.body.id as string;
    };
    refs.A = await create({ resourceType: 'Patient', name: [{ family: 'Alpha', given: ['Ann'] }] });
    refs.B = await create({ resourceType: 'Patient', name: [{ family: 'Bee', given: ['Bob'] }] });
    refs.p1 = await create({ resourceType: 'Practitioner', name: [{ family: 'Carer' }] });
    refs.p2 = await create({ resourceType: 'Practitioner', name: [{ family: 'Stranger' }] });
    const obs = (patient: string, extra: FhirJson = {}) => ({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'heart rate' },
      subject: { reference: `Patient/${patient}` },
      ...extra,
    });
    refs.obsA = await create(obs(refs.A));
    refs.obsB = await create(obs(refs.B));
    // In A's compartment (subject) and B's (performer): visible to A, but B's Patient is not.
    refs.obsShared = await create(obs(refs.A, { performer: [{ reference: `Patient/${refs.B}` }] }));
    refs.encA = await create({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
      subject: { reference: `Patient/${refs.A}` },
      participant: [{ individual: { reference: `Practitioner/${refs.p1}` } }],
      reasonCode: [{ text: 'confidential reason' }],
    });
    await s.createAccount('ann', ['patient'], `Patient/${refs.A}`);
    await s.createAccount('dr.carer', ['clinician'], `Practitioner/${refs.p1}`);
    await s.createAccount('dr.stranger', ['clinician'], `Practitioner/${refs.p2}`);
    await s.createAccount('desk', ['front-desk']);
    patientA = (await s.signIn('ann', 'openid fhirUser launch/patient patient/*.cruds offline_access'))
      .access_token;
    clinician = (await s.signIn('dr.carer', 'openid fhirUser user/*.cruds')).access_token;
  });
  after(async () => s?.close());

  it('a patient reads their own record and not another patient, directly or by search', async () => {
    assert.equal((await s.as(patientA, 'GET', `/Patient/${refs.A}`)).status, 200);
    const denied = await s.as(patientA, 'GET', `/Patient/${refs.B}`);
    assert.equal(denied.status, 404);
    assert.equal((await s.as(patientA, 'GET', `/Observation/${refs.obsB}`)).status, 404);
    assert.equal((await s.as(patientA, 'GET', `/Observation/${refs.obsB}/_history/1`)).status, 404);
    const all = await s.as(patientA, 'GET', '/Observation');
    assert.deepEqual(ids(all.body), [`Observation/${refs.obsA}`, `Observation/${refs.obsShared}`].sort());
    const byB = await s.as(patientA, 'GET', `/Observation?subject=Patient/${refs.B}`);
    assert.deepEqual(ids(byB.body), []);
    const patients = await s.as(patientA, 'GET', '/Patient');
    assert.deepEqual(ids(patients.body), [`Patient/${refs.A}`]);
    const events = await deniedEvents();
    assert.ok(events.some((e) => e.entity?.some((x: FhirJson) => x.what?.reference === `Patient/${refs.B}`)));
  });

  it('_include, _revinclude and chains do not reach another patient', async () => {
    const inc = await s.as(
      patientA,
      'GET',
      '/Observation?_include=Observation:performer&_include=Observation:subject',
    );
    assert.equal(inc.status, 200);
    assert.ok(!ids(inc.body).includes(`Patient/${refs.B}`));
    assert.ok(ids(inc.body).includes(`Patient/${refs.A}`));
    const rev = await s.as(patientA, 'GET', `/Patient?_id=${refs.B}&_revinclude=Observation:subject`);
    assert.deepEqual(ids(rev.body), []);
    const revOwn = await s.as(patientA, 'GET', '/Patient?_revinclude=Observation:subject');
    assert.ok(!ids(revOwn.body).includes(`Observation/${refs.obsB}`));
    const chain = await s.as(patientA, 'GET', '/Observation?subject:Patient.family=Bee');
    assert.deepEqual(ids(chain.body), []);
    const has = await s.as(patientA, 'GET', `/Patient?_has:Observation:subject:_id=${refs.obsB}`);
    assert.deepEqual(ids(has.body), []);
  });

  it('history of another patient, and type or system history, are denied', async () => {
    assert.equal((await s.as(patientA, 'GET', `/Patient/${refs.B}/_history`)).status, 404);
    assert.equal((await s.as(patientA, 'GET', `/Patient/${refs.A}/_history`)).status, 200);
    assert.equal((await s.as(patientA, 'GET', '/Observation/_history')).status, 403);
    assert.equal((await s.as(patientA, 'GET', '/_history')).status, 403);
  });

  it('a transaction or batch Bundle cannot reach another patient', async () => {
    const tx = await s.as(patientA, 'POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ request: { method: 'GET', url: `Patient/${refs.B}` } }],
    });
    assert.equal(tx.status, 404);
    const batch = await s.as(patientA, 'POST', '/', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: `Patient/${refs.B}` } },
        { request: { method: 'GET', url: `Observation?subject=Patient/${refs.B}` } },
      ],
    });
    assert.equal(batch.status, 200);
    assert.match(batch.body.entry[0].response.status, /^404/);
    assert.equal(batch.body.entry[1].resource.entry?.length ?? 0, 0);
    const write = await s.as(patientA, 'POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          request: { method: 'POST', url: 'Observation' },
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'forged' },
            subject: { reference: `Patient/${refs.B}` },
          },
        },
      ],
    });
    assert.equal(write.status, 403);
  });

  it('a patient/Observation.rs token cannot write', async () => {
    const readOnly = (await s.signIn('ann', 'openid launch/patient patient/Observation.rs')).access_token;
    assert.equal((await s.as(readOnly, 'GET', `/Observation/${refs.obsA}`)).status, 200);
    const write = await s.as(readOnly, 'POST', '/Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${refs.A}` },
    });
    assert.equal(write.status, 403);
    assert.equal((await s.as(readOnly, 'GET', `/Patient/${refs.A}`)).status, 403);
  });

  it('a clinician sees patients they care for; another needs break-glass with a reason, which is flagged', async () => {
    assert.equal((await s.as(clinician, 'GET', `/Patient/${refs.A}`)).status, 200);
    assert.equal((await s.as(clinician, 'GET', `/Patient/${refs.B}`)).status, 404);
    const stranger = (await s.signIn('dr.stranger', 'openid fhirUser user/*.cruds')).access_token;
    assert.equal((await s.as(stranger, 'GET', `/Patient/${refs.A}`)).status, 404);
    const noReason = await s.as(stranger, 'POST', `/Patient/${refs.A}/$break-glass`, {
      resourceType: 'Parameters',
      parameter: [],
    });
    assert.equal(noReason.status, 400);
    const glass = await s.as(stranger, 'POST', `/Patient/${refs.A}/$break-glass`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'reason', valueString: 'Unconscious patient in the emergency department' }],
    });
    assert.equal(glass.status, 200, glass.text);
    const read = await s.as(stranger, 'GET', `/Patient/${refs.A}`);
    assert.equal(read.status, 200);
    const res = await s.tdb.db.query<{ seq: string; event: string; recorded: Date }>(
      s.tdb.tenantA,
      `SELECT seq::text, event, recorded FROM audit_log WHERE tenant_id = $1 ORDER BY audit_log.id DESC LIMIT 5`,
      [s.tdb.tenantA],
    );
    const flagged = res.rows
      .flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq) as FhirJson[])
      .filter((e) => (e.meta?.security ?? []).some((l: FhirJson) => l.code === 'BTG'));
    assert.ok(flagged.length >= 2, 'the break-glass and the read after it are both flagged');
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(metrics, /security_break_glass_total 1/);
  });

  it('front desk sees demographics and encounters without clinical detail, and no observations', async () => {
    const desk = (await s.signIn('desk', 'openid fhirUser user/*.cruds')).access_token;
    const patient = await s.as(desk, 'GET', `/Patient/${refs.B}`);
    assert.equal(patient.status, 200);
    assert.equal((await s.as(desk, 'GET', `/Observation/${refs.obsA}`)).status, 403);
    const enc = await s.as(desk, 'GET', `/Encounter/${refs.encA}`);
    assert.equal(enc.status, 200);
    assert.equal(enc.body.reasonCode, undefined);
    assert.ok(enc.body.meta.tag.some((t: FhirJson) => t.code === 'SUBSETTED'));
  });

  it('tokens that are missing, expired, for another audience, tampered or unsigned are refused', async () => {
    const keys = await new SigningKeys(s.tdb.db, new Envelope(s.keyring)).load();
    const jwk = keys.keys[0];
    assert.ok(jwk);
    const key = await importJWK(jwk, 'RS256');
    const claims = { client_id: s.appId, scope: 'user/*.rs', tid: s.tdb.tenantA, roles: ['clinician'] };
    const sign = (over: { aud?: string; exp?: number }) =>
      new SignJWT({ ...claims, jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid })
        .setIssuer(`${s.base}/oauth`)
        .setSubject(`${s.tdb.tenantA}.00000000-0000-4000-8000-000000000000`)
        .setAudience(over.aud ?? s.fhir)
        .setIssuedAt()
        .setExpirationTime(over.exp ?? Math.floor(Date.now() / 1000) + 300)
        .sign(key);
    const good = await sign({});
    assert.equal((await s.as(good, 'GET', '/Practitioner')).status, 200, 'a well-formed token works');
    const expired = await sign({ exp: Math.floor(Date.now() / 1000) - 60 });
    const wrongAud = await sign({ aud: 'https://elsewhere.example/fhir' });
    const [h, p, sig] = good.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, tid: s.tdb.tenantB })).toString('base64url')}.${sig}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${p}.`;
    for (const [name, token] of Object.entries({ expired, wrongAud, tampered, none, garbage: 'abc' })) {
      const res = await s.as(token, 'GET', '/Practitioner');
      assert.equal(res.status, 401, name);
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/, name);
    }
    assert.equal((await s.request('GET', '/Practitioner')).status, 401);
  });

  it('cross-tenant ids cannot be guessed', async () => {
    const other = await s.backendToken('system/*.cruds', s.tdb.tenantB);
    const created = await s.as(other, 'POST', '/Patient', {
      resourceType: 'Patient',
      name: [{ family: 'Other' }],
    });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    assert.equal((await s.as(admin, 'GET', `/Patient/${id}`)).status, 404);
    assert.equal((await s.as(clinician, 'GET', `/Patient/${id}`)).status, 404);
    assert.equal((await s.as(admin, 'GET', `/Patient?_id=${id}`)).body.entry, undefined);
    // No header or parameter chooses the tenant: only the token does.
    const res = await s.request('GET', `/Patient/${id}`, undefined, {
      authorization: `Bearer ${admin}`,
      'x-tenant': 'tenant-b',
    });
    assert.equal(res.status, 404);
  });

  it('a search that leaves the subject out of its results still knows whose record each entry is', async () => {
    // _elements drops Observation.subject from what is shown, not from whose record it is.
    const own = await s.as(patientA, 'GET', '/Observation?_elements=code');
    assert.equal(own.status, 200);
    const ids = (own.body.entry ?? []).map((e: FhirJson) => e.resource.id);
    assert.ok(ids.includes(refs.obsA), 'the patient sees their own observation');
    assert.ok(!ids.includes(refs.obsB), 'and not another patient’s');
    assert.equal(
      own.body.entry.find((e: FhirJson) => e.resource.id === refs.obsA).resource.subject,
      undefined,
    );
    const searched = await s.as(clinician, 'GET', `/Observation?_id=${refs.obsA}&_elements=code`);
    assert.equal(searched.status, 200);
    const audit = await s.as(patientA, 'GET', `/AuditEvent?patient=Patient/${refs.A}&_count=200`);
    const searches = audit.body.entry
      .map((e: FhirJson) => e.resource)
      .filter((r: FhirJson) => r.agent?.some((a: FhirJson) => a.who?.reference === `Practitioner/${refs.p1}`))
      .filter((r: FhirJson) =>
        (r.entity ?? []).some(
          (x: FhirJson) => typeof x.query === 'string' && atob(x.query).includes('_elements=code'),
        ),
      );
    assert.equal(
      searches.length,
      1,
      'the clinician’s search is audited against the patient whose record it showed',
    );
  });

  it('patients see who accessed their record, and only their own', async () => {
    const mine = await s.as(patientA, 'GET', `/AuditEvent?patient=Patient/${refs.A}`);
    assert.equal(mine.status, 200);
    assert.ok(mine.body.entry.length > 0);
    const agents = mine.body.entry.flatMap((e: FhirJson) => e.resource.agent ?? []);
    assert.ok(agents.some((a: FhirJson) => a.who?.reference === `Practitioner/${refs.p1}`));
    assert.equal((await s.as(patientA, 'GET', `/AuditEvent?patient=Patient/${refs.B}`)).status, 403);
    assert.equal((await s.as(patientA, 'GET', '/AuditEvent')).status, 403);
  });
});
