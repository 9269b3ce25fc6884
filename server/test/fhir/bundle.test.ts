import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

describe('batch and transaction Bundles', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  async function count(type: string): Promise<number> {
    const r = await s.tdb.db.query(
      s.tdb.tenantA,
      'SELECT count(*)::int AS n FROM resource WHERE res_type = $1 AND NOT deleted',
      [type],
    );
    return (r.rows[0] as { n: number }).n;
  }

  it('resolves urn:uuid fullUrls and rewrites references in a transaction', async () => {
    const pid = 'urn:uuid:8d2a4e0a-9b3c-4b1e-8c33-111111111111';
    const res = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:8d2a4e0a-9b3c-4b1e-8c33-222222222222',
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
            subject: { reference: pid },
          },
          request: { method: 'POST', url: 'Observation' },
        },
        {
          fullUrl: pid,
          resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test', value: 'tx-1' }] },
          request: { method: 'POST', url: 'Patient' },
        },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.type, 'transaction-response');
    assert.equal(res.body.entry.length, 2);
    const [obs, pat] = res.body.entry;
    assert.equal(obs.response.status, '201 Created');
    assert.equal(pat.response.status, '201 Created');
    assert.match(pat.response.location, /^Patient\/[^/]+\/_history\/1$/);
    const patientId = pat.resource.id;
    assert.equal(obs.resource.subject.reference, `Patient/${patientId}`);
    const found = await s.request('GET', `/Observation?subject=Patient/${patientId}`);
    assert.equal(found.body.entry.length, 1);
  });

  it('changes nothing when one entry of a transaction is bad', async () => {
    const before = await count('Patient');
    const res = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', active: true }, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Patient', birthDate: 'not-a-date' },
          request: { method: 'POST', url: 'Patient' },
        },
      ],
    });
    assert.ok(res.status === 400 || res.status === 422, `status ${res.status}`);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.ok(
      res.body.issue.some((i: { expression?: string[] }) =>
        i.expression?.some((e) => e.startsWith('Bundle.entry[1]')),
      ),
    );
    assert.equal(await count('Patient'), before);
  });

  it('rolls back earlier writes when a later entry fails at run time', async () => {
    const before = await count('Patient');
    const res = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', active: true }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'DELETE', url: 'Patient/no-such-patient' } },
      ],
    });
    assert.equal(res.status, 404);
    assert.equal(await count('Patient'), before);
  });

  it('resolves conditional creates and conditional references inside a transaction', async () => {
    await s.request('POST', '/Patient', {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:mrn', value: 'cond-ref-1' }],
    });
    const res = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000001',
          resource: { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'cond-ref-1' }] },
          request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:mrn|cond-ref-1' },
        },
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
            subject: { reference: 'Patient?identifier=urn:mrn|cond-ref-1' },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.entry[0].response.status, '200 OK');
    const patientId = res.body.entry[0].resource.id;
    assert.equal(res.body.entry[1].resource.subject.reference, `Patient/${patientId}`);
    assert.equal((await s.request('GET', '/Patient?identifier=urn:mrn|cond-ref-1')).body.entry.length, 1);
  });

  it("answers GET entries of a transaction with the transaction's own writes", async () => {
    const res = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'tx-get-1' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        { request: { method: 'GET', url: 'Patient?identifier=urn:mrn|tx-get-1' } },
      ],
    });
    assert.equal(res.status, 200, res.text);
    const searchset = res.body.entry[1].resource;
    assert.equal(searchset.type, 'searchset');
    assert.equal(searchset.entry.length, 1);
    assert.equal(searchset.entry[0].resource.id, res.body.entry[0].resource.id);
  });

  it('processes batch entries independently and reports each outcome', async () => {
    const created = (await s.request('POST', '/Patient', { resourceType: 'Patient', active: true })).body;
    const res = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: `Patient/${created.id}` } },
        { request: { method: 'GET', url: 'Patient/missing-one' } },
        {
          resource: { resourceType: 'Patient', gender: 'robot' },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { resourceType: 'Patient', gender: 'male' },
          request: { method: 'POST', url: 'Patient' },
        },
        { request: { method: 'GET', url: 'Patient?gender=male' } },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'batch-response');
    const statuses = res.body.entry.map(
      (e: { response: { status: string } }) => e.response.status.split(' ')[0],
    );
    assert.equal(statuses[0], '200');
    assert.equal(statuses[1], '404');
    assert.ok(['400', '422'].includes(statuses[2]));
    assert.equal(statuses[3], '201');
    assert.equal(statuses[4], '200');
    assert.equal(res.body.entry[1].response.outcome.resourceType, 'OperationOutcome');
    assert.equal(res.body.entry[0].resource.id, created.id);
    assert.equal(res.body.entry[4].resource.resourceType, 'Bundle');
  });

  it('rejects a Bundle that is not a batch or transaction, and malformed entries', async () => {
    assert.equal((await s.request('POST', '/', { resourceType: 'Bundle', type: 'collection' })).status, 400);
    assert.equal((await s.request('POST', '/', { resourceType: 'Patient' })).status, 400);
    const noRequest = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: { resourceType: 'Patient' } }],
    });
    assert.equal(noRequest.status, 400);
  });

  it('runs PUT, PATCH and DELETE entries in a transaction', async () => {
    const a = (await s.request('POST', '/Patient', { resourceType: 'Patient', active: true })).body;
    const b = (await s.request('POST', '/Patient', { resourceType: 'Patient', active: true })).body;
    const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/active', value: false }])).toString(
      'base64',
    );
    const res = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...a, gender: 'female' }, request: { method: 'PUT', url: `Patient/${a.id}` } },
        {
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
          request: { method: 'PATCH', url: `Patient/${b.id}` },
        },
        { request: { method: 'DELETE', url: `Patient/${b.id}x` } },
      ],
    });
    assert.equal(res.status, 404, 'the delete of a missing resource fails the whole transaction');
    assert.equal((await s.request('GET', `/Patient/${a.id}`)).body.gender, undefined);
    const ok = await s.request('POST', '/', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...a, gender: 'female' }, request: { method: 'PUT', url: `Patient/${a.id}` } },
        {
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
          request: { method: 'PATCH', url: `Patient/${b.id}` },
        },
      ],
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await s.request('GET', `/Patient/${a.id}`)).body.gender, 'female');
    assert.equal((await s.request('GET', `/Patient/${b.id}`)).body.active, false);
  });
});
