import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitions, readPackageJson } from '../../../src/fhir/definitions/index.js';
import {
  CATEGORIES,
  RESOURCE_CATEGORIES,
  categoryOf,
  type Category,
} from '../../../src/auth/policy/resource-categories.js';

const listed = CATEGORIES.flatMap((c) => RESOURCE_CATEGORIES[c].map((type) => ({ type, category: c })));

describe('resource categories', () => {
  it('lists every R4 resource type exactly once, so none is categorised by default', () => {
    const r4 = definitions().resourceTypes;
    assert.equal(r4.length, 146);
    const types = listed.map((l) => l.type);
    assert.deepEqual(
      types.filter((t, i) => types.indexOf(t) !== i),
      [],
      'listed twice',
    );
    assert.deepEqual(
      r4.filter((t) => !types.includes(t)),
      [],
      'R4 types not listed',
    );
    for (const t of r4) assert.ok(CATEGORIES.includes(categoryOf(t)), t);
  });

  it('lists only types that exist in R4', () => {
    const defs = definitions();
    assert.deepEqual(
      listed.filter((l) => !defs.isResourceType(l.type)).map((l) => l.type),
      [],
    );
  });

  it('answers the category of each listed type, and definitional for unknown names', () => {
    for (const { type, category } of listed) assert.equal(categoryOf(type), category, type);
    const spot: [string, Category][] = [
      ['Observation', 'clinical'],
      ['Encounter', 'clinical'],
      ['Provenance', 'clinical'],
      ['Binary', 'clinical'],
      ['Patient', 'demographic'],
      ['RelatedPerson', 'demographic'],
      ['Slot', 'scheduling'],
      ['Coverage', 'financial'],
      ['ExplanationOfBenefit', 'financial'],
      ['Consent', 'consent'],
      ['AuditEvent', 'audit'],
      ['Practitioner', 'directory'],
      ['Medication', 'directory'],
      ['ValueSet', 'definitional'],
      ['Questionnaire', 'definitional'],
      ['NotAType', 'definitional'],
      ['constructor', 'definitional'],
      ['__proto__', 'definitional'],
      ['', 'definitional'],
    ];
    for (const [type, category] of spot) assert.equal(categoryOf(type), category, type);
  });

  it('keeps every type of the R4 Patient compartment out of definitional (where admins write)', () => {
    const compartment = readPackageJson<{ resource: { code: string; param?: string[] }[] }>(
      'CompartmentDefinition-patient.json',
    );
    const members = compartment.resource.filter((r) => (r.param ?? []).length > 0).map((r) => r.code);
    assert.ok(members.includes('Observation') && members.length > 50);
    assert.deepEqual(
      members.filter((t) => categoryOf(t) === 'definitional'),
      [],
    );
    // The only compartment member outside the patient-data categories is Group (a directory entry
    // that may list patients as members).
    const patientData: Category[] = [
      'clinical',
      'demographic',
      'scheduling',
      'financial',
      'consent',
      'audit',
    ];
    assert.deepEqual(
      members.filter((t) => !patientData.includes(categoryOf(t))),
      ['Group'],
    );
  });
});
