import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FhirJson } from '../support/server.js';
import { OAuthBrowser } from './support/oauth-client.js';
import { PASSWORD, REDIRECT, startSecuredServer, type SecuredServer } from './support/secured-server.js';

describe('standalone launch by a clinician: the patient picker', () => {
  let s: SecuredServer;
  const ids = { a: '', b: '' };
  let mfaSecret: string | undefined;

  before(async () => {
    s = await startSecuredServer();
    const admin = await s.backendToken('system/*.cruds');
    const post = async (r: FhirJson) =>
      (await s.as(admin, 'POST', `/${r.resourceType as string}`, r)).body.id as string;
    ids.a = await post({ resourceType: 'Patient', name: [{ family: 'Pickable', given: ['Alma'] }] });
    ids.b = await post({ resourceType: 'Patient', name: [{ family: 'Pickaway', given: ['Bert'] }] });
    const pr = await post({ resourceType: 'Practitioner', name: [{ family: 'Picker' }] });
    await post({
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'VR' },
      subject: { reference: `Patient/${ids.a}` },
      participant: [{ individual: { reference: `Practitioner/${pr}` } }],
    });
    await s.createAccount('dr.picker', ['clinician'], `Practitioner/${pr}`);
  });
  after(async () => s?.close());

  const launch = async (pick: { query: string; id: string }) => {
    const r = await new OAuthBrowser(s.base).signIn({
      clientId: s.appId,
      redirectUri: REDIRECT,
      scope: 'openid fhirUser launch/patient patient/*.rs',
      username: 'dr.picker',
      password: PASSWORD,
      aud: s.fhir,
      pick,
      ...(mfaSecret ? { mfa: { secret: mfaSecret } } : {}),
    });
    mfaSecret ??= r.mfaSecret;
    return r;
  };

  it('finds the clinician’s patients by name and puts the one picked in context', async () => {
    const r = await launch({ query: 'pick', id: ids.a });
    assert.ok(r.tokens, r.error);
    assert.equal(r.tokens.patient, ids.a);
    const results = r.pages.find((p) => p.includes('Pickable')) ?? '';
    assert.ok(results.includes('Alma'), 'the search lists the patient in their care');
    assert.ok(!results.includes('Pickaway'), 'and not a patient outside it');
    assert.equal((await s.as(r.tokens.access_token, 'GET', `/Patient/${ids.a}`)).status, 200);
    assert.equal((await s.as(r.tokens.access_token, 'GET', `/Patient/${ids.b}`)).status, 404);
  });

  it('refuses a patient outside the clinician’s care', async () => {
    const r = await launch({ query: 'pick', id: ids.b });
    assert.equal(r.tokens, undefined);
  });
});
