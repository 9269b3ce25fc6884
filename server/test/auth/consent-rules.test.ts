import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consentWithholds, ROLE_SYSTEM, type ConsentResource } from '../../src/auth/access/consent-rules.js';

const clinician = { roles: ['clinician'], fhirUser: 'Practitioner/p1' };
const nurse = { roles: ['nurse'], fhirUser: 'Practitioner/n1' };
const obs = (extra: Record<string, unknown> = {}) => ({ resourceType: 'Observation', ...extra });
const deny = (provision: Record<string, unknown>, status = 'active'): ConsentResource => ({
  resourceType: 'Consent',
  status,
  provision: { type: 'permit', provision: [{ type: 'deny', ...provision }] },
});

describe('consent rules', () => {
  it('matches actors by role code or by reference, and nobody else', () => {
    const byRole = deny({ actor: [{ role: { coding: [{ system: ROLE_SYSTEM, code: 'clinician' }] } }] });
    assert.equal(consentWithholds([byRole], clinician, obs()), true);
    assert.equal(consentWithholds([byRole], nurse, obs()), false);
    const byRef = deny({ actor: [{ role: { coding: [] }, reference: { reference: 'Practitioner/n1' } }] });
    assert.equal(consentWithholds([byRef], nurse, obs()), true);
    assert.equal(consentWithholds([byRef], clinician, obs()), false);
    assert.equal(consentWithholds([deny({})], nurse, obs()), true, 'no actor: everyone');
  });

  it('matches an organization through the caller’s organizations; role and reference together narrow', () => {
    const atRiverside = { ...clinician, organizations: ['Organization/riverside'] };
    const elsewhere = { ...clinician, organizations: ['Organization/hillside'] };
    const participation = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }],
    };
    const byOrg = deny({
      actor: [{ role: participation, reference: { reference: 'Organization/riverside' } }],
    });
    assert.equal(consentWithholds([byOrg], atRiverside, obs()), true);
    assert.equal(consentWithholds([byOrg], elsewhere, obs()), false);
    assert.equal(consentWithholds([byOrg], clinician, obs()), false, 'no organization known: not theirs');
    const cliniciansAtRiverside = deny({
      actor: [
        {
          role: { coding: [{ system: ROLE_SYSTEM, code: 'clinician' }] },
          reference: { reference: 'Organization/riverside' },
        },
      ],
    });
    assert.equal(consentWithholds([cliniciansAtRiverside], atRiverside, obs()), true);
    assert.equal(consentWithholds([cliniciansAtRiverside], elsewhere, obs()), false);
    assert.equal(
      consentWithholds(
        [cliniciansAtRiverside],
        { ...nurse, organizations: ['Organization/riverside'] },
        obs(),
      ),
      false,
      'a nurse of the organization is not one of its clinicians',
    );
  });

  it('matches data by resource type, security label or category', () => {
    const byClass = deny({
      class: [{ system: 'http://hl7.org/fhir/resource-types', code: 'DocumentReference' }],
    });
    assert.equal(consentWithholds([byClass], clinician, { resourceType: 'DocumentReference' }), true);
    assert.equal(consentWithholds([byClass], clinician, obs()), false);
    const byLabel = deny({ securityLabel: [{ system: 'sys', code: 'PSY' }] });
    assert.equal(
      consentWithholds([byLabel], clinician, obs({ meta: { security: [{ system: 'sys', code: 'PSY' }] } })),
      true,
    );
    assert.equal(
      consentWithholds([byLabel], clinician, obs({ meta: { security: [{ system: 'sys', code: 'ETH' }] } })),
      false,
    );
    const byCode = deny({ code: [{ coding: [{ system: 'cat', code: 'social-history' }] }] });
    assert.equal(
      consentWithholds(
        [byCode],
        clinician,
        obs({ category: [{ coding: [{ system: 'cat', code: 'social-history' }] }] }),
      ),
      true,
    );
    assert.equal(
      consentWithholds(
        [byCode],
        clinician,
        obs({ category: [{ coding: [{ system: 'cat', code: 'vital-signs' }] }] }),
      ),
      false,
    );
  });

  it('applies only while active and within its period', () => {
    assert.equal(consentWithholds([deny({}, 'inactive')], clinician, obs()), false);
    assert.equal(consentWithholds([deny({}, 'draft')], clinician, obs()), false);
    const past = deny({ period: { start: '2020-01-01', end: '2021-01-01' } });
    assert.equal(consentWithholds([past], clinician, obs()), false);
    const now = deny({ period: { start: '2020-01-01' } });
    assert.equal(consentWithholds([now], clinician, obs()), true);
  });

  it('reads nested provisions as exceptions to their parent', () => {
    const top: ConsentResource = {
      resourceType: 'Consent',
      status: 'active',
      provision: {
        type: 'deny',
        provision: [{ actor: [{ role: { coding: [{ system: ROLE_SYSTEM, code: 'clinician' }] } }] }],
      },
    };
    // A top-level deny withholds from everyone except where its nested permit applies.
    assert.equal(consentWithholds([top], nurse, obs()), true);
    assert.equal(consentWithholds([top], clinician, obs()), false);
    const permitOnly: ConsentResource = {
      resourceType: 'Consent',
      status: 'active',
      provision: { type: 'permit' },
    };
    assert.equal(consentWithholds([permitOnly], nurse, obs()), false);
  });
});
