import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitions } from '../../../src/fhir/definitions/index.js';
import { ROLE_GRANTS, allowedInteractions, roleAllows } from '../../../src/auth/policy/permissions.js';
import { categoryOf } from '../../../src/auth/policy/resource-categories.js';
import { ROLES, STAFF_ROLES, isRole, type Role } from '../../../src/auth/policy/roles.js';
import { INTERACTIONS } from '../../../src/auth/policy/scopes.js';

/** What `roles` may do to `type`, as a `cruds`-ordered string ('' = nothing). */
const may = (roles: Role | Role[], type: string): string =>
  [...allowedInteractions(typeof roles === 'string' ? [roles] : roles, type)].join('');

/**
 * Spot checks per role: the exact interactions on each type, so every line checks what is allowed and
 * what is denied at once.
 */
const EXPECTED: Record<Role, [string, string][]> = {
  patient: [
    ['Condition', 'rs'],
    ['DiagnosticReport', 'rs'],
    ['Observation', 'crus'],
    ['QuestionnaireResponse', 'crus'],
    ['Communication', 'crus'],
    ['Consent', 'crus'],
    ['Appointment', 'rs'],
    ['Patient', 'rus'],
    ['RelatedPerson', 'rs'],
    ['Slot', 'rs'],
    ['ExplanationOfBenefit', 'rs'],
    ['AuditEvent', 'rs'],
    ['MedicationRequest', 'rs'],
    ['Practitioner', 'rs'],
    ['ValueSet', 'rs'],
    ['Questionnaire', 'rs'],
    ['StructureDefinition', 'rs'],
  ],
  caregiver: [
    ['Observation', 'crus'],
    ['Patient', 'rus'],
    ['Immunization', 'rs'],
    ['Coverage', 'rs'],
    ['Organization', 'rs'],
  ],
  clinician: [
    ['Observation', 'crus'],
    ['MedicationRequest', 'crus'],
    ['ServiceRequest', 'crus'],
    ['Encounter', 'crus'],
    ['Patient', 'crus'],
    ['Appointment', 'crus'],
    ['Consent', 'crus'],
    ['Claim', 'rs'],
    ['Practitioner', 'rs'],
    ['Questionnaire', 'rs'],
    ['AuditEvent', ''],
  ],
  nurse: [
    ['Observation', 'crus'],
    ['MedicationRequest', 'rs'],
    ['ServiceRequest', 'rs'],
    ['MedicationAdministration', 'crus'],
    ['Patient', 'crus'],
    ['Coverage', 'rs'],
    ['Location', 'rs'],
    ['AuditEvent', ''],
  ],
  'front-desk': [
    ['Patient', 'crus'],
    ['RelatedPerson', 'crus'],
    ['Appointment', 'crus'],
    ['Slot', 'crus'],
    ['Coverage', 'crus'],
    ['Encounter', 'rs'],
    ['Practitioner', 'rs'],
    ['Claim', ''],
    ['Observation', ''],
    ['Condition', ''],
    ['Consent', ''],
    ['AuditEvent', ''],
    ['ValueSet', ''],
  ],
  billing: [
    ['Claim', 'crus'],
    ['Coverage', 'crus'],
    ['Invoice', 'crus'],
    ['Patient', 'rs'],
    ['Encounter', 'rs'],
    ['Organization', 'rs'],
    ['Observation', ''],
    ['Condition', ''],
    ['Appointment', ''],
    ['Consent', ''],
  ],
  operations: [
    ['Appointment', 'rs'],
    ['Schedule', 'rs'],
    ['HealthcareService', 'rs'],
    ['Patient', ''],
    ['Encounter', ''],
    ['Observation', ''],
    ['Claim', ''],
    ['ValueSet', ''],
  ],
  'tenant-admin': [
    ['Practitioner', 'cruds'],
    ['Organization', 'cruds'],
    ['ValueSet', 'cruds'],
    ['Questionnaire', 'cruds'],
    ['AuditEvent', 'rs'],
    ['Consent', 'rs'],
    ['Patient', ''],
    ['Observation', ''],
    ['Encounter', ''],
    ['Appointment', ''],
    ['Claim', ''],
  ],
  'platform-admin': [
    ['Practitioner', 'rs'],
    ['CodeSystem', 'rs'],
    ['Patient', ''],
    ['Observation', ''],
    ['AuditEvent', ''],
    ['Consent', ''],
    ['Appointment', ''],
    ['Coverage', ''],
  ],
};

describe('roles', () => {
  it('knows the nine roles and nothing else', () => {
    assert.equal(ROLES.length, 9);
    for (const r of ROLES) assert.equal(isRole(r), true);
    for (const x of ['admin', 'Patient', 'doctor', '', 'constructor', null, undefined, 1])
      assert.equal(isRole(x), false, String(x));
  });

  it('counts everyone but patients and caregivers as staff (who must use MFA)', () => {
    assert.deepEqual([...STAFF_ROLES].sort(), [
      'billing',
      'clinician',
      'front-desk',
      'nurse',
      'operations',
      'platform-admin',
      'tenant-admin',
    ]);
  });
});

describe('role permissions', () => {
  for (const role of ROLES) {
    it(`${role}: allows and denies as the policy says`, () => {
      for (const [type, expected] of EXPECTED[role]) {
        assert.equal(may(role, type), expected, `${role} on ${type}`);
        for (const i of INTERACTIONS)
          assert.equal(roleAllows([role], type, i), expected.includes(i), `${role} ${i} ${type}`);
      }
    });
  }

  it('lets nobody but tenant admins delete, and them only outside patient data', () => {
    for (const type of definitions().resourceTypes) {
      for (const role of ROLES) {
        const deletes = roleAllows([role], type, 'd');
        const expected = role === 'tenant-admin' && ['directory', 'definitional'].includes(categoryOf(type));
        assert.equal(deletes, expected, `${role} d ${type}`);
      }
    }
  });

  it('gives tenant-admin, platform-admin and operations nothing clinical', () => {
    for (const type of definitions().resourceTypes.filter((t) => categoryOf(t) === 'clinical'))
      assert.equal(may(['tenant-admin', 'platform-admin', 'operations'], type), '', type);
  });

  it('gives front-desk and billing no clinical type but Encounter, read-only', () => {
    for (const type of definitions().resourceTypes.filter((t) => categoryOf(t) === 'clinical'))
      assert.equal(may(['front-desk', 'billing'], type), type === 'Encounter' ? 'rs' : '', type);
  });

  it('unites the rows of several roles', () => {
    assert.equal(may(['nurse', 'clinician'], 'MedicationRequest'), 'crus');
    assert.equal(may(['front-desk', 'billing'], 'Claim'), 'crus');
    assert.equal(may(['front-desk', 'billing'], 'Coverage'), 'crus');
    assert.equal(may(['operations', 'tenant-admin'], 'Appointment'), 'rs');
    assert.equal(may(['patient', 'tenant-admin'], 'Consent'), 'crus');
    assert.equal(may(['patient', 'tenant-admin'], 'Location'), 'cruds');
  });

  it('denies everything without roles, and is not fooled by prototype names', () => {
    for (const i of INTERACTIONS) assert.equal(roleAllows([], 'Observation', i), false);
    assert.equal(may([], 'Patient'), '');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(may('patient', name), '', name);
      assert.equal(may('front-desk', name), '', name);
    }
  });

  it('names only R4 types in its per-type exceptions', () => {
    const defs = definitions();
    for (const role of ROLES)
      for (const type of Object.keys(ROLE_GRANTS[role].types ?? {}))
        assert.ok(defs.isResourceType(type), `${role}: ${type}`);
  });
});
