import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

const patient = (family: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family, given: ['Ana'] }],
  birthDate: '1980-04-02',
  ...extra,
});

describe('FHIR instance interactions', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  it('creates with a server id, version 1, ETag, Last-Modified and Location', async () => {
    const res = await s.request('POST', '/Patient', patient('Create'));
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), 'application/fhir+json; charset=utf-8');
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.meta.versionId, '1');
    assert.ok(Date.parse(res.body.meta.lastUpdated));
    assert.equal(res.headers.get('etag'), 'W/"1"');
    assert.equal(res.headers.get('location'), `${s.fhir}/Patient/${res.body.id}/_history/1`);
    assert.equal(res.headers.get('last-modified'), new Date(res.body.meta.lastUpdated).toUTCString());
    assert.deepEqual(res.body.name, [{ family: 'Create', given: ['Ana'] }]);
  });

  it('ignores a client id on create and keeps client meta tags', async () => {
    const tag = { system: 'http://example.org/tags', code: 'vip' };
    const res = await s.request(
      'POST',
      '/Patient',
      patient('Tagged', { id: 'chosen', meta: { versionId: '9', tag: [tag] } }),
    );
    assert.equal(res.status, 201);
    assert.notEqual(res.body.id, 'chosen');
    assert.equal(res.body.meta.versionId, '1');
    assert.deepEqual(res.body.meta.tag, [tag]);
  });

  it('reads, vreads and answers 404 for unknown ids and types', async () => {
    const created = (await s.request('POST', '/Patient', patient('Read'))).body;
    const read = await s.request('GET', `/Patient/${created.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created);
    assert.equal(read.headers.get('etag'), 'W/"1"');
    const vread = await s.request('GET', `/Patient/${created.id}/_history/1`);
    assert.equal(vread.status, 200);
    assert.deepEqual(vread.body, created);
    assert.equal((await s.request('GET', `/Patient/${created.id}/_history/2`)).status, 404);
    const missing = await s.request('GET', '/Patient/does-not-exist');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.resourceType, 'OperationOutcome');
    assert.equal((await s.request('GET', '/NotAType/1')).status, 404);
    assert.equal((await s.request('GET', '/Patient/bad$id')).status, 400);
  });

  it('reads a summary or chosen elements, tagged SUBSETTED', async () => {
    const created = (
      await s.request(
        'POST',
        '/Patient',
        patient('Subset', {
          text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
        }),
      )
    ).body;
    const summary = await s.request('GET', `/Patient/${created.id}?_summary=true`);
    assert.equal(summary.status, 200);
    assert.equal(summary.body.text, undefined);
    assert.deepEqual(summary.body.name, created.name);
    assert.ok(summary.body.meta.tag.some((t: { code: string }) => t.code === 'SUBSETTED'));
    const elements = await s.request('GET', `/Patient/${created.id}?_elements=birthDate`);
    assert.equal(elements.body.birthDate, '1980-04-02');
    assert.equal(elements.body.name, undefined);
    assert.equal((await s.request('GET', `/Patient/${created.id}?_summary=sometimes`)).status, 400);
  });

  it('answers 304 to a conditional read with the current ETag', async () => {
    const created = (await s.request('POST', '/Patient', patient('Conditional'))).body;
    const res = await s.request('GET', `/Patient/${created.id}`, undefined, { 'if-none-match': 'W/"1"' });
    assert.equal(res.status, 304);
  });

  it('updates with a new version, and update-as-create with a client id', async () => {
    const created = (await s.request('POST', '/Patient', patient('Update'))).body;
    const updated = await s.request('PUT', `/Patient/${created.id}`, { ...created, gender: 'female' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.meta.versionId, '2');
    assert.equal(updated.body.gender, 'female');
    assert.equal(updated.headers.get('etag'), 'W/"2"');
    const v1 = await s.request('GET', `/Patient/${created.id}/_history/1`);
    assert.equal(v1.body.gender, undefined);

    const put = await s.request('PUT', '/Patient/client-chosen-1', {
      ...patient('Chosen'),
      id: 'client-chosen-1',
    });
    assert.equal(put.status, 201);
    assert.equal(put.body.id, 'client-chosen-1');
    assert.equal(put.body.meta.versionId, '1');
  });

  it('rejects an update whose body id is missing or differs from the URL', async () => {
    const created = (await s.request('POST', '/Patient', patient('Mismatch'))).body;
    const noId = await s.request('PUT', `/Patient/${created.id}`, patient('Mismatch'));
    assert.equal(noId.status, 400);
    const other = await s.request('PUT', `/Patient/${created.id}`, { ...created, id: 'other' });
    assert.equal(other.status, 400);
    const wrongType = await s.request('PUT', `/Patient/${created.id}`, {
      ...created,
      resourceType: 'Practitioner',
    });
    assert.equal(wrongType.status, 400);
  });

  it('honours If-Match: 412 on a stale version, 200 on the current one', async () => {
    const created = (await s.request('POST', '/Patient', patient('IfMatch'))).body;
    const ok = await s.request(
      'PUT',
      `/Patient/${created.id}`,
      { ...created, active: true },
      { 'if-match': 'W/"1"' },
    );
    assert.equal(ok.status, 200);
    const stale = await s.request(
      'PUT',
      `/Patient/${created.id}`,
      { ...created, active: false },
      { 'if-match': 'W/"1"' },
    );
    assert.equal(stale.status, 412);
    assert.equal(stale.body.resourceType, 'OperationOutcome');
    const current = await s.request('GET', `/Patient/${created.id}`);
    assert.equal(current.body.active, true);
    assert.equal(current.body.meta.versionId, '2');
  });

  it('keeps every version when concurrent updates race', async () => {
    const created = (await s.request('POST', '/Patient', patient('Race'))).body;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.request('PUT', `/Patient/${created.id}`, { ...created, name: [{ family: `Race${i}` }] }),
      ),
    );
    assert.ok(results.every((r) => r.status === 200));
    const versions = results.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b);
    assert.deepEqual(versions, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('patches with JSON Patch and validates the result', async () => {
    const created = (await s.request('POST', '/Patient', patient('Patch'))).body;
    const ops = [
      { op: 'replace', path: '/name/0/family', value: 'Patched' },
      { op: 'add', path: '/gender', value: 'other' },
    ];
    const res = await s.request('PATCH', `/Patient/${created.id}`, ops, {
      'content-type': 'application/json-patch+json',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.name[0].family, 'Patched');
    assert.equal(res.body.gender, 'other');
    assert.equal(res.body.meta.versionId, '2');
    const invalid = await s.request(
      'PATCH',
      `/Patient/${created.id}`,
      [{ op: 'add', path: '/gender', value: 'robot' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    assert.ok(invalid.status === 422 || invalid.status === 400, `status ${invalid.status}`);
    const idChange = await s.request(
      'PATCH',
      `/Patient/${created.id}`,
      [{ op: 'replace', path: '/id', value: 'x' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    assert.equal(idChange.status, 422);
    const failedTest = await s.request(
      'PATCH',
      `/Patient/${created.id}`,
      [{ op: 'test', path: '/gender', value: 'male' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    assert.equal(failedTest.status, 422);
    assert.equal((await s.request('GET', `/Patient/${created.id}`)).body.meta.versionId, '2');
  });

  it('deletes: 204, then 410 Gone on read, history kept, delete again is a no-op', async () => {
    const created = (await s.request('POST', '/Patient', patient('Delete'))).body;
    const del = await s.request('DELETE', `/Patient/${created.id}`);
    assert.equal(del.status, 204);
    const read = await s.request('GET', `/Patient/${created.id}`);
    assert.equal(read.status, 410);
    assert.equal(read.body.resourceType, 'OperationOutcome');
    assert.equal((await s.request('DELETE', `/Patient/${created.id}`)).status, 204);
    assert.equal((await s.request('DELETE', '/Patient/never-existed')).status, 404);
    const history = await s.request('GET', `/Patient/${created.id}/_history`);
    assert.equal(history.body.total, 2);
    assert.equal(history.body.entry[0].request.method, 'DELETE');
    assert.equal(history.body.entry[0].resource, undefined);
    // a deleted resource can be brought back by an update
    const revived = await s.request('PUT', `/Patient/${created.id}`, created);
    assert.equal(revived.status, 201);
    assert.equal(revived.body.meta.versionId, '3');
  });

  it('answers Prefer: return=minimal with no body and return=OperationOutcome with an outcome', async () => {
    const minimal = await s.request('POST', '/Patient', patient('Minimal'), { prefer: 'return=minimal' });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.text, '');
    assert.ok(minimal.headers.get('location'));
    const oo = await s.request('POST', '/Patient', patient('Outcome'), { prefer: 'return=OperationOutcome' });
    assert.equal(oo.status, 201);
    assert.equal(oo.body.resourceType, 'OperationOutcome');
  });

  it('keeps decimal precision through create, read, update, patch, history and transactions', async () => {
    const obs = (value: string) =>
      `{"resourceType":"Observation","status":"final","code":{"text":"weight"},` +
      `"valueQuantity":{"value":${value},"unit":"kg"},"referenceRange":[{"low":{"value":0.50}}]}`;
    const created = await s.request('POST', '/Observation', obs('72.50'));
    assert.equal(created.status, 201);
    assert.match(created.text, /"value":72\.50,/);
    assert.match(created.text, /"value":0\.50\}/);
    const id = created.body.id;
    assert.match((await s.request('GET', `/Observation/${id}`)).text, /"value":72\.50,/);
    const patched = await s.request(
      'PATCH',
      `/Observation/${id}`,
      [{ op: 'replace', path: '/status', value: 'amended' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    assert.match(patched.text, /"value":72\.50,.*"value":0\.50\}/);
    const put = await s.request(
      'PUT',
      `/Observation/${id}`,
      obs('72.500').replace('{"resourceType":"Observation",', `{"resourceType":"Observation","id":"${id}",`),
    );
    assert.match(put.text, /"value":72\.500,/);
    assert.match((await s.request('GET', `/Observation/${id}/_history/1`)).text, /"value":72\.50,/);
    const tx = await s.request(
      'POST',
      '/',
      `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":${obs('1.0')},"request":{"method":"POST","url":"Observation"}}]}`,
    );
    assert.equal(tx.status, 200);
    const txId = tx.body.entry[0].resource.id;
    assert.match((await s.request('GET', `/Observation/${txId}`)).text, /"value":1\.0,/);
  });

  it('rejects methods a path does not support with 405', async () => {
    const created = (await s.request('POST', '/Patient', patient('Method'))).body;
    assert.equal((await s.request('POST', `/Patient/${created.id}`, created)).status, 405);
  });
});
