import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditEventsOf } from '../../src/auth/audit/entries.js';
import type { FhirJson } from '../support/server.js';
import { startSecuredServer, type SecuredServer } from './support/secured-server.js';

function ids(bundle: FhirJson): string[] {
  return ((bundle.entry ?? []) as { resource: { resourceType: string; id: string } }[])
    .map((e) => `${e.resource.resourceType}/${e.resource.id}`)
    .sort();
}

describe('Patient/$everything (download my record)', () => {
  let s: SecuredServer;
  let admin: string;
  let ann: string;
  let desk: string;
  const refs = { A: '', B: '', obsA: '', obsB: '', condA: '', encA: '', practitioner: '' };

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
    refs.practitioner = await create({ resourceType: 'Practitioner', name: [{ family: 'Carer' }] });
    refs.obsA = await create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: `Patient/${refs.A}` },
      valueQuantity: { value: 72.5, unit: 'kg' },
    });
    refs.obsB = await create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: `Patient/${refs.B}` },
    });
    refs.condA = await create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${refs.A}` },
      code: { text: 'asthma' },
    });
    refs.encA = await create({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
      subject: { reference: `Patient/${refs.A}` },
      reasonCode: [{ text: 'follow-up' }],
    });
    await s.createAccount('ann', ['patient'], `Patient/${refs.A}`);
    await s.createAccount('desk', ['front-desk']);
    ann = (await s.signIn('ann', 'openid fhirUser user/*.rs')).access_token;
    desk = (await s.signIn('desk', 'openid fhirUser user/*.rs')).access_token;
  });
  after(async () => s?.close());

  it('gives the patient their whole record and nothing of anyone else', async () => {
    const res = await s.as(ann, 'GET', `/Patient/${refs.A}/$everything`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.resourceType, 'Bundle');
    assert.equal(res.body.type, 'searchset');
    assert.deepEqual(
      ids(res.body),
      [
        `Patient/${refs.A}`,
        `Observation/${refs.obsA}`,
        `Condition/${refs.condA}`,
        `Encounter/${refs.encA}`,
      ].sort(),
    );
    assert.equal(res.body.total, 4);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('narrows by _type and _since, and refuses bad values with an OperationOutcome', async () => {
    const obs = await s.as(ann, 'GET', `/Patient/${refs.A}/$everything?_type=Observation,Condition`);
    assert.deepEqual(ids(obs.body), [`Observation/${refs.obsA}`, `Condition/${refs.condA}`].sort());
    const later = await s.as(ann, 'GET', `/Patient/${refs.A}/$everything?_since=2999-01-01T00:00:00Z`);
    assert.deepEqual(ids(later.body), [`Patient/${refs.A}`]);
    const badType = await s.as(ann, 'GET', `/Patient/${refs.A}/$everything?_type=Nonsense`);
    assert.equal(badType.status, 400);
    assert.equal(badType.body.resourceType, 'OperationOutcome');
    const badSince = await s.as(ann, 'GET', `/Patient/${refs.A}/$everything?_since=yesterday`);
    assert.equal(badSince.status, 400);
  });

  it("another patient's record does not exist for the patient", async () => {
    const res = await s.as(ann, 'GET', `/Patient/${refs.B}/$everything`);
    assert.equal(res.status, 404);
    assert.ok(!res.text.includes(refs.obsB));
  });

  it('front desk gets the parts it may see only (no clinical resources)', async () => {
    const res = await s.as(desk, 'GET', `/Patient/${refs.A}/$everything`);
    assert.equal(res.status, 200, res.text);
    const got = ids(res.body);
    assert.ok(got.includes(`Patient/${refs.A}`));
    assert.ok(!got.includes(`Observation/${refs.obsA}`), got.join());
    assert.ok(!got.includes(`Condition/${refs.condA}`), got.join());
  });

  it('is named in the CapabilityStatement', async () => {
    const meta = await (await fetch(`${s.fhir}/metadata`)).json();
    const patient = (meta as FhirJson).rest[0].resource.find((r: FhirJson) => r.type === 'Patient');
    assert.deepEqual(patient.operation, [
      { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
    ]);
  });

  it('is audited as one export of the patient record', async () => {
    const rows = await s.tdb.db.query<{ seq: string; event: string; recorded: Date }>(
      s.tdb.tenantA,
      `SELECT seq::text, event, recorded FROM audit_log WHERE tenant_id = $1 ORDER BY id`,
      [s.tdb.tenantA],
    );
    const events = rows.rows.flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq) as FhirJson[]);
    const exports = events.filter(
      (e) =>
        // DICOM 110106 "Export", next to the REST operation code (IHE BALP).
        (e.subtype ?? []).some((c: FhirJson) => c.code === '110106') &&
        (e.entity ?? []).some((x: FhirJson) => x.what?.reference === `Patient/${refs.A}`),
    );
    assert.ok(exports.length >= 1, JSON.stringify(events.map((e) => e.subtype)));
  });
});
