import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expand, warmUpValidator } from '../../src/fhir/validation/index.js';
import { problems } from './issue-summary.js';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

function condition(clinicalStatus: unknown): string[] {
  return problems({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus });
}

describe('required bindings', () => {
  it('checks code elements against the expanded value set', () => {
    assert.deepEqual(problems({ resourceType: 'Patient', gender: 'female' }), []);
    assert.deepEqual(problems({ resourceType: 'Patient', gender: 'F' }), ['code-invalid Patient.gender']);
    assert.deepEqual(problems({ resourceType: 'Observation', status: 'done', code: { text: 'x' } }), [
      'code-invalid Observation.status',
    ]);
  });

  it('checks codes inside datatypes and backbone elements', () => {
    assert.deepEqual(
      problems({ resourceType: 'Patient', telecom: [{ system: 'pager' }, { system: 'fax' }] }),
      [],
    );
    assert.deepEqual(
      problems({ resourceType: 'Patient', telecom: [{ system: 'fax' }, { system: 'telex' }] }),
      ['code-invalid Patient.telecom[1].system'],
    );
    assert.deepEqual(
      problems({ resourceType: 'Patient', link: [{ other: { reference: 'Patient/2' }, type: 'x' }] }),
      ['code-invalid Patient.link[0].type'],
    );
  });

  it('checks bound codes used through a choice type', () => {
    const timing = (when: string) =>
      problems({
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: { text: 'x' },
        subject: { reference: 'Patient/1' },
        dosageInstruction: [{ timing: { repeat: { when: [when], periodUnit: 'd' } } }],
      });
    assert.deepEqual(timing('ACM'), []);
    assert.deepEqual(timing('MORN'), []);
    assert.deepEqual(timing('BEDTIME'), [
      'code-invalid MedicationRequest.dosageInstruction[0].timing.repeat.when[0]',
    ]);
  });

  it('checks CodeableConcept codings whose system is in the value set, including nested concepts', () => {
    assert.deepEqual(condition({ coding: [{ system: CLINICAL, code: 'active' }] }), []);
    assert.deepEqual(condition({ coding: [{ system: CLINICAL, code: 'recurrence' }] }), []);
    assert.deepEqual(condition({ coding: [{ system: CLINICAL, code: 'gone' }] }), [
      'code-invalid Condition.clinicalStatus.coding[0].code',
    ]);
    assert.deepEqual(
      condition({
        coding: [
          { system: 'http://example.org/local', code: 'gone' },
          { system: CLINICAL, code: 'x' },
        ],
      }),
      ['code-invalid Condition.clinicalStatus.coding[1].code'],
    );
    assert.deepEqual(condition({ text: 'active' }), []);
  });

  it('skips value sets that cannot be expanded from the package (mime types, UCUM, currencies)', () => {
    assert.deepEqual(problems({ resourceType: 'Binary', contentType: 'application/x-made-up' }), []);
    assert.equal(expand('http://hl7.org/fhir/ValueSet/mimetypes|4.0.1'), undefined);
  });
});

describe('value set expansion', () => {
  it('expands a whole code system with its concept hierarchy', () => {
    const expansion = expand('http://hl7.org/fhir/ValueSet/condition-clinical');
    assert.ok(expansion);
    assert.deepEqual([...(expansion.bySystem.get(CLINICAL) ?? [])].sort(), [
      'active',
      'inactive',
      'recurrence',
      'relapse',
      'remission',
      'resolved',
    ]);
  });

  it('ignores the version of a versioned canonical and caches the result', () => {
    const a = expand('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1');
    assert.ok(a);
    assert.equal(a, expand('http://hl7.org/fhir/ValueSet/administrative-gender'));
    assert.deepEqual([...a.codes].sort(), ['female', 'male', 'other', 'unknown']);
  });

  it('expands explicit concept lists', () => {
    assert.deepEqual([...(expand('http://hl7.org/fhir/ValueSet/units-of-time')?.codes ?? [])].sort(), [
      'a',
      'd',
      'h',
      'min',
      'mo',
      's',
      'wk',
    ]);
  });

  it('expands imported value sets', () => {
    const expansion = expand('http://hl7.org/fhir/ValueSet/event-or-request-resource-types');
    assert.ok(expansion);
    assert.ok(expansion.codes.has('Observation'));
    assert.ok(expansion.codes.has('ServiceRequest'));
    assert.ok(!expansion.codes.has('Patient'));
  });

  it('finds code systems whose file id differs from their URL', () => {
    // CodeSystem-claim-careteamrole.json has the URL .../CodeSystem/claimcareteamrole.
    const expansion = expand('http://hl7.org/fhir/ValueSet/claim-careteamrole');
    assert.ok(expansion?.codes.has('primary'));
  });

  it('treats value sets with filters, unknown code systems or unknown URLs as not expandable', () => {
    assert.equal(expand('http://example.org/ValueSet/none'), undefined);
    assert.equal(expand('http://hl7.org/fhir/ValueSet/ucum-units'), undefined);
  });
});

describe('warmUpValidator', () => {
  it('compiles every structure without failing, and validation still works afterwards', () => {
    warmUpValidator();
    assert.deepEqual(problems({ resourceType: 'Patient', gender: 'F' }), ['code-invalid Patient.gender']);
  });
});
