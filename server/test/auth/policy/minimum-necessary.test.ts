import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitions } from '../../../src/fhir/definitions/index.js';
import {
  ELEMENT_LIMITS,
  SUBSETTED_TAG,
  applyElements,
  elementsFor,
} from '../../../src/auth/policy/minimum-necessary.js';
import { roleAllows } from '../../../src/auth/policy/permissions.js';
import { ROLES } from '../../../src/auth/policy/roles.js';

const SUBSETTED = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
};

const PATIENT = {
  resourceType: 'Patient',
  id: 'p1',
  meta: { versionId: '3', tag: [{ system: 'urn:example', code: 'vip' }] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">HIV clinic patient</div>' },
  extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race' }],
  identifier: [{ system: 'urn:mrn', value: '123' }],
  name: [{ family: 'Doe', given: ['Jane'] }],
  gender: 'female',
  birthDate: '1980-01-01',
  _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime' }] },
  deceasedBoolean: false,
  maritalStatus: { text: 'married' },
  multipleBirthInteger: 2,
  photo: [{ contentType: 'image/png' }],
  address: [{ city: 'Springfield' }],
  contained: [{ resourceType: 'Condition' }],
};

const ENCOUNTER = {
  resourceType: 'Encounter',
  id: 'e1',
  status: 'finished',
  class: { code: 'VR' },
  subject: { reference: 'Patient/p1' },
  period: { start: '2024-05-01T10:00:00Z' },
  reasonCode: [{ text: 'suicidal ideation' }],
  reasonReference: [{ reference: 'Condition/c1' }],
  diagnosis: [{ condition: { reference: 'Condition/c1' } }],
  hospitalization: { admitSource: { text: 'emergency' } },
  serviceProvider: { reference: 'Organization/o1' },
};

describe('minimum necessary: which elements', () => {
  it('limits front-desk and billing to the registration parts of Patient', () => {
    const expected = [
      'identifier',
      'active',
      'name',
      'telecom',
      'gender',
      'birthDate',
      'address',
      'contact',
      'communication',
      'generalPractitioner',
      'managingOrganization',
      'link',
    ];
    assert.deepEqual(elementsFor(['front-desk'], 'Patient'), expected);
    assert.deepEqual(elementsFor(['billing'], 'Patient'), expected);
  });

  it('limits them to the administrative parts of Encounter, never its reasons', () => {
    for (const role of ['front-desk', 'billing'] as const) {
      const els = elementsFor([role], 'Encounter');
      assert.ok(Array.isArray(els));
      for (const kept of [
        'status',
        'class',
        'subject',
        'period',
        'participant',
        'account',
        'serviceProvider',
      ])
        assert.ok(els.includes(kept), `${role} keeps ${kept}`);
      for (const removed of ['reasonCode', 'reasonReference', 'diagnosis', 'hospitalization', 'text'])
        assert.ok(!els.includes(removed), `${role} loses ${removed}`);
    }
  });

  it('shows them whole the types they may see fully', () => {
    for (const type of ['Coverage', 'Appointment', 'Slot', 'Practitioner', 'RelatedPerson'])
      assert.equal(elementsFor(['front-desk'], type), 'all', type);
    for (const type of ['Claim', 'Coverage', 'ExplanationOfBenefit', 'Organization'])
      assert.equal(elementsFor(['billing'], type), 'all', type);
  });

  it('shows clinicians, nurses and patients whole records', () => {
    for (const role of ['clinician', 'nurse', 'patient', 'caregiver'] as const) {
      assert.equal(elementsFor([role], 'Patient'), 'all', role);
      assert.equal(elementsFor([role], 'Encounter'), 'all', role);
    }
  });

  it('unites several roles: a role seeing the whole type wins; one without access changes nothing', () => {
    assert.equal(elementsFor(['front-desk', 'clinician'], 'Encounter'), 'all');
    assert.equal(elementsFor(['billing', 'patient'], 'Patient'), 'all');
    assert.deepEqual(
      elementsFor(['front-desk', 'billing'], 'Patient'),
      elementsFor(['front-desk'], 'Patient'),
    );
    // operations and tenant-admin may not read Patient at all, so they must not lift the limit.
    assert.deepEqual(
      elementsFor(['front-desk', 'operations', 'tenant-admin'], 'Patient'),
      elementsFor(['front-desk'], 'Patient'),
    );
  });

  it('fails closed when no role may read the type', () => {
    assert.deepEqual(elementsFor(['operations'], 'Patient'), []);
    assert.deepEqual(elementsFor(['front-desk'], 'Observation'), []);
    assert.deepEqual(elementsFor([], 'Patient'), []);
  });

  it('names only real top-level elements, none of them choice elements, of types the role may read', () => {
    const defs = definitions();
    for (const role of ROLES) {
      for (const [type, elements] of Object.entries(ELEMENT_LIMITS[role] ?? {})) {
        assert.ok(roleAllows([role], type, 'r'), `${role} reads ${type}`);
        const children = new Map((defs.childrenOf(type, type) ?? []).map((e) => [e.name, e]));
        for (const el of elements) {
          assert.ok(children.has(el), `${type}.${el} exists`);
          assert.equal(children.get(el)?.isChoice, false, `${type}.${el} is not a choice`);
        }
        // Required elements must survive, or the subset would not be a valid resource.
        for (const [name, el] of children)
          if (el.min >= 1) assert.ok(elements.includes(name), `${type}.${name}`);
      }
    }
  });
});

describe('minimum necessary: applying the limit', () => {
  it('keeps the listed elements (with their _ siblings), resourceType, id and meta; drops the rest', () => {
    const before = structuredClone(PATIENT);
    const out = applyElements(PATIENT, elementsFor(['front-desk'], 'Patient'));
    assert.deepEqual(Object.keys(out).sort(), [
      '_birthDate',
      'address',
      'birthDate',
      'gender',
      'id',
      'identifier',
      'meta',
      'name',
      'resourceType',
    ]);
    assert.equal(out.name, PATIENT.name);
    assert.deepEqual(out._birthDate, PATIENT._birthDate);
    assert.equal(out.meta.versionId, '3');
    assert.deepEqual(PATIENT, before, 'the input is untouched');
  });

  it('appends the SUBSETTED tag to existing tags, once', () => {
    const out = applyElements(PATIENT, ['name']);
    assert.deepEqual(out.meta.tag, [{ system: 'urn:example', code: 'vip' }, SUBSETTED]);
    assert.equal(PATIENT.meta.tag.length, 1);
    const twice = applyElements(out, ['name']);
    assert.deepEqual(twice.meta.tag, [{ system: 'urn:example', code: 'vip' }, SUBSETTED]);
    assert.deepEqual(SUBSETTED_TAG, SUBSETTED);
  });

  it('adds meta when the resource has none', () => {
    const out: Record<string, unknown> = applyElements(ENCOUNTER, elementsFor(['billing'], 'Encounter'));
    assert.deepEqual(out.meta, { tag: [SUBSETTED] });
    assert.deepEqual(Object.keys(out).sort(), [
      'class',
      'id',
      'meta',
      'period',
      'resourceType',
      'serviceProvider',
      'status',
      'subject',
    ]);
    for (const gone of ['reasonCode', 'reasonReference', 'diagnosis', 'hospitalization'])
      assert.equal(gone in out, false, gone);
  });

  it('returns the resource itself, untagged, for all', () => {
    assert.equal(applyElements(ENCOUNTER, elementsFor(['clinician'], 'Encounter')), ENCOUNTER);
  });

  it('keeps only resourceType, id and meta for an empty list', () => {
    const out = applyElements(ENCOUNTER, elementsFor(['operations'], 'Encounter'));
    assert.deepEqual(out, { resourceType: 'Encounter', id: 'e1', meta: { tag: [SUBSETTED] } });
  });
});
