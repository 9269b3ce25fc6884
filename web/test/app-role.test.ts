import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appRole, booksOwnVisits, keepsSchedules } from '../src/auth/app-role.js';
import { rolesOf } from '../src/auth/oauth-session.js';

const jwt = (claims: object) =>
  ['eyJhbGciOiJSUzI1NiJ9', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');

describe('what the app offers each role', () => {
  it('reads the roles of a JWT access token, none of anything else', () => {
    assert.deepEqual(rolesOf(jwt({ roles: ['front-desk', 7], sub: 'x' })), ['front-desk']);
    assert.deepEqual(rolesOf(jwt({ sub: 'x' })), []);
    assert.deepEqual(rolesOf('opaque-token'), []);
  });

  it('tells the portal from the workspace', () => {
    assert.equal(appRole({ fhirUser: 'Patient/p1', roles: ['patient'] }), 'patient');
    assert.equal(appRole({ fhirUser: 'RelatedPerson/r1', roles: ['caregiver'] }), 'caregiver');
    assert.equal(appRole({ fhirUser: 'Practitioner/d1', roles: ['clinician'] }), 'practitioner');
    assert.equal(appRole({ fhirUser: null, roles: ['front-desk'] }), 'front-desk');
    assert.equal(appRole({ fhirUser: null, roles: ['billing'] }), 'staff');
    assert.ok(booksOwnVisits('caregiver') && !booksOwnVisits('front-desk'));
    assert.ok(keepsSchedules('practitioner') && keepsSchedules('front-desk') && !keepsSchedules('staff'));
  });
});
