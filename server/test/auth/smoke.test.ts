import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecuredServer, type SecuredServer } from './support/secured-server.js';

describe('secured server smoke', () => {
  let s: SecuredServer;
  before(async () => {
    s = await startSecuredServer();
  });
  after(async () => s?.close());

  it('discovery, backend token, patient sign-in', async () => {
    const smart = await fetch(`${s.fhir}/.well-known/smart-configuration`);
    assert.equal(smart.status, 200);
    const noToken = await s.request('GET', '/Patient');
    assert.equal(noToken.status, 401);
    const { client, clientId } = await s.backend();
    const res = await client.token(s.base, clientId, 'system/*.rs');
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    const created = await s.request('POST', '/Patient', {
      resourceType: 'Patient',
      name: [{ family: 'Smoke' }],
    });
    assert.equal(created.status, 401);
    const search = await s.as(body.access_token ?? '', 'GET', '/Patient');
    assert.equal(search.status, 200, search.text);
    const p = await s.createAccount('pat1', ['patient'], 'Patient/p1');
    assert.ok(p.id);
    const tokens = await s.signIn('pat1', 'openid fhirUser launch/patient patient/*.rs offline_access');
    assert.equal(tokens.patient, 'p1');
  });
});
