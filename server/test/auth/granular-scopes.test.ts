import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FhirJson } from '../support/server.js';
import { startSecuredServer, type SecuredServer } from './support/secured-server.js';

const LOINC = 'http://loinc.org';

describe('granular SMART scopes (scope with a query)', () => {
  let s: SecuredServer;
  let token = '';
  const ids = { patient: '', heart: '', weight: '' };

  before(async () => {
    s = await startSecuredServer();
    const admin = await s.backendToken('system/*.cruds');
    const post = async (r: FhirJson) =>
      (await s.as(admin, 'POST', `/${r.resourceType as string}`, r)).body.id as string;
    ids.patient = await post({ resourceType: 'Patient', name: [{ family: 'Granular' }] });
    const obs = (code: string) =>
      post({
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: LOINC, code }] },
        subject: { reference: `Patient/${ids.patient}` },
      });
    ids.heart = await obs('8867-4');
    ids.weight = await obs('29463-7');
    await s.createAccount('granular', ['patient'], `Patient/${ids.patient}`);
    token = (await s.signIn('granular', `openid launch/patient patient/Observation.rs?code=${LOINC}|8867-4`))
      .access_token;
  });
  after(async () => s?.close());

  it('narrows searches and reads to what the scope’s query matches', async () => {
    const search = await s.as(token, 'GET', '/Observation');
    assert.equal(search.status, 200, search.text);
    assert.deepEqual(
      (search.body.entry ?? []).map((e: FhirJson) => e.resource.id),
      [ids.heart],
    );
    assert.equal((await s.as(token, 'GET', `/Observation/${ids.heart}`)).status, 200);
    assert.equal((await s.as(token, 'GET', `/Observation/${ids.weight}`)).status, 404);
    assert.equal((await s.as(token, 'GET', `/Observation/${ids.weight}/_history/1`)).status, 404);
  });

  it('grants nothing beyond its type and letters', async () => {
    assert.equal((await s.as(token, 'GET', `/Patient/${ids.patient}`)).status, 403);
    const write = await s.as(token, 'POST', '/Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code: '8867-4' }] },
      subject: { reference: `Patient/${ids.patient}` },
    });
    assert.equal(write.status, 403);
  });
});
