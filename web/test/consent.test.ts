import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  consentWithholds,
  type ConsentResource as PolicyConsent,
} from '../../server/src/auth/access/consent-rules.js';
import { denyConsent, describeConsent } from '../src/api/consent.js';

const psyNote = {
  resourceType: 'DocumentReference',
  meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
};
const labResult = { resourceType: 'Observation' };

describe('the consents the sharing page writes', () => {
  const consent = denyConsent('p1', 'PSY', ['front-desk', 'billing'], new Date('2026-01-01T00:00:00Z'));

  it('are enforced by the access policy as meant: those roles lose that data, and only that', () => {
    const policy = [consent as unknown as PolicyConsent];
    assert.equal(consentWithholds(policy, { roles: ['front-desk'] }, psyNote), true);
    assert.equal(consentWithholds(policy, { roles: ['billing'] }, psyNote), true);
    assert.equal(consentWithholds(policy, { roles: ['clinician'] }, psyNote), false);
    assert.equal(consentWithholds(policy, { roles: ['front-desk'] }, labResult), false);
    const withdrawn = [{ ...consent, status: 'inactive' } as unknown as PolicyConsent];
    assert.equal(consentWithholds(withdrawn, { roles: ['front-desk'] }, psyNote), false);
  });

  it('read back as what they hide and from whom', () => {
    assert.deepEqual(describeConsent(consent), { kinds: ['PSY'], roles: ['front-desk', 'billing'] });
    assert.equal(describeConsent({ ...consent, status: 'inactive' }), null);
    assert.equal(
      describeConsent({ resourceType: 'Consent', status: 'active', provision: { type: 'permit' } }),
      null,
    );
  });
});
