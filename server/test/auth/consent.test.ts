import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_SYSTEM } from '../../src/auth/access/consent-rules.js';
import type { FhirJson } from '../support/server.js';
import { startSecuredServer, type SecuredServer } from './support/secured-server.js';

const PSY = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' };

describe('Consent is honoured', () => {
  let s: SecuredServer;
  let patient = '';
  let clinician = '';
  /** A clinician of another organization, with a care relationship too. */
  let elsewhere = '';
  let ids = { a: '', obsPsy: '', obsVitals: '', org: '' };

  before(async () => {
    s = await startSecuredServer();
    const admin = await s.backendToken('system/*.cruds');
    const post = async (r: FhirJson) => {
      const res = await s.as(admin, 'POST', `/${r.resourceType as string}`, r);
      assert.equal(res.status, 201, res.text);
      return res.body.id as string;
    };
    const a = await post({ resourceType: 'Patient', name: [{ family: 'Consenting' }] });
    const pr = await post({ resourceType: 'Practitioner', name: [{ family: 'Therapist' }] });
    const org = await post({ resourceType: 'Organization', name: 'Riverside' });
    const otherOrg = await post({ resourceType: 'Organization', name: 'Hillside' });
    const other = await post({ resourceType: 'Practitioner', name: [{ family: 'Locum' }] });
    for (const [who, at] of [
      [pr, org],
      [other, otherOrg],
    ] as const) {
      await post({
        resourceType: 'PractitionerRole',
        practitioner: { reference: `Practitioner/${who}` },
        organization: { reference: `Organization/${at}` },
      });
      await post({
        resourceType: 'Encounter',
        status: 'finished',
        class: { code: 'VR' },
        subject: { reference: `Patient/${a}` },
        participant: [{ individual: { reference: `Practitioner/${who}` } }],
      });
    }
    const obs = (extra: FhirJson) =>
      post({
        resourceType: 'Observation',
        status: 'final',
        subject: { reference: `Patient/${a}` },
        ...extra,
      });
    ids = {
      a,
      org,
      obsPsy: await obs({ code: { text: 'PHQ-9 score' }, meta: { security: [PSY] } }),
      obsVitals: await obs({ code: { text: 'heart rate' } }),
    };
    await s.createAccount('consenter', ['patient'], `Patient/${a}`);
    // The locum's roles at Riverside are over: an inactive one, and one whose period has ended.
    for (const over of [{ active: false }, { period: { start: '2019-01-01', end: '2020-01-01' } }])
      await post({
        resourceType: 'PractitionerRole',
        practitioner: { reference: `Practitioner/${other}` },
        organization: { reference: `Organization/${org}` },
        ...over,
      });
    await s.createAccount('dr.consent', ['clinician'], `Practitioner/${pr}`);
    await s.createAccount('dr.elsewhere', ['clinician'], `Practitioner/${other}`);
    patient = (await s.signIn('consenter', 'openid launch/patient patient/*.cruds')).access_token;
    clinician = (await s.signIn('dr.consent', 'openid fhirUser user/*.cruds')).access_token;
    elsewhere = (await s.signIn('dr.elsewhere', 'openid fhirUser user/*.cruds')).access_token;
  });
  after(async () => s?.close());

  const consent = (status: string) => ({
    resourceType: 'Consent',
    status,
    scope: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${ids.a}` },
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: 'permit',
      provision: [
        {
          type: 'deny',
          actor: [
            {
              role: { coding: [{ system: ROLE_SYSTEM, code: 'clinician' }] },
              reference: { reference: `Organization/${ids.org}` },
            },
          ],
          securityLabel: [PSY],
        },
      ],
    },
  });

  it('withholds behavioural-health data from the clinicians of an organization while active, and only that data', async () => {
    assert.equal((await s.as(clinician, 'GET', `/Observation/${ids.obsPsy}`)).status, 200);
    const created = await s.as(patient, 'POST', '/Consent', consent('active'));
    assert.equal(created.status, 201, created.text);
    assert.equal((await s.as(clinician, 'GET', `/Observation/${ids.obsPsy}`)).status, 404);
    assert.equal((await s.as(clinician, 'GET', `/Observation/${ids.obsVitals}`)).status, 200);
    // A clinician of another organization (once at Riverside, no longer) is not withheld from.
    assert.equal((await s.as(elsewhere, 'GET', `/Observation/${ids.obsPsy}`)).status, 200);
    const search = await s.as(clinician, 'GET', `/Observation?subject=Patient/${ids.a}`);
    const found = (search.body.entry ?? []).map((e: FhirJson) => e.resource.id as string);
    assert.deepEqual(found, [ids.obsVitals]);
    // The patient always sees their own record.
    assert.equal((await s.as(patient, 'GET', `/Observation/${ids.obsPsy}`)).status, 200);
    // Withdrawing the consent gives access back.
    const withdrawn = { ...consent('inactive'), id: created.body.id as string };
    const updated = await s.as(patient, 'PUT', `/Consent/${created.body.id as string}`, withdrawn);
    assert.equal(updated.status, 200, updated.text);
    assert.equal((await s.as(clinician, 'GET', `/Observation/${ids.obsPsy}`)).status, 200);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(metrics, /security_denied_requests_total\{reason="consent"\} 1/);
  });
});
