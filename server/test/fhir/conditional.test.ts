import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

const withMrn = (mrn: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system: 'urn:mrn', value: mrn }],
  ...extra,
});

describe('conditional interactions', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  it('conditional create: creates once, then returns the existing resource', async () => {
    const first = await s.request('POST', '/Patient', withMrn('cc-1'), {
      'if-none-exist': 'identifier=urn:mrn|cc-1',
    });
    assert.equal(first.status, 201);
    const second = await s.request('POST', '/Patient', withMrn('cc-1'), {
      'if-none-exist': 'identifier=urn:mrn|cc-1',
    });
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
  });

  it('conditional create is safe under concurrency: exactly one resource', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        s.request('POST', '/Patient', withMrn('cc-race'), { 'if-none-exist': 'identifier=urn:mrn|cc-race' }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
  });

  it('conditional create with several matches answers 412', async () => {
    await s.request('POST', '/Patient', withMrn('dup'));
    await s.request('POST', '/Patient', withMrn('dup'));
    const res = await s.request('POST', '/Patient', withMrn('dup'), {
      'if-none-exist': 'identifier=urn:mrn|dup',
    });
    assert.equal(res.status, 412);
  });

  it('conditional update: creates when nothing matches, updates the one match', async () => {
    const created = await s.request('PUT', '/Patient?identifier=urn:mrn|cu-1', withMrn('cu-1'));
    assert.equal(created.status, 201);
    const updated = await s.request(
      'PUT',
      '/Patient?identifier=urn:mrn|cu-1',
      withMrn('cu-1', { active: true }),
    );
    assert.equal(updated.status, 200);
    assert.equal(updated.body.id, created.body.id);
    assert.equal(updated.body.meta.versionId, '2');
    assert.equal(updated.body.active, true);
    await s.request('POST', '/Patient', withMrn('cu-1'));
    assert.equal((await s.request('PUT', '/Patient?identifier=urn:mrn|cu-1', withMrn('cu-1'))).status, 412);
  });

  it('conditional patch and delete act on the single match', async () => {
    const created = (await s.request('POST', '/Patient', withMrn('cd-1'))).body;
    const patched = await s.request(
      'PATCH',
      '/Patient?identifier=urn:mrn|cd-1',
      [{ op: 'add', path: '/active', value: true }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    assert.equal(patched.status, 200);
    assert.equal(patched.body.id, created.id);
    assert.equal((await s.request('DELETE', '/Patient?identifier=urn:mrn|cd-1')).status, 204);
    assert.equal((await s.request('GET', `/Patient/${created.id}`)).status, 410);
    await s.request('POST', '/Patient', withMrn('cd-2'));
    await s.request('POST', '/Patient', withMrn('cd-2'));
    assert.equal((await s.request('DELETE', '/Patient?identifier=urn:mrn|cd-2')).status, 412);
  });
});
