import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/fhir/validation/index.js';
import { problems } from './issue-summary.js';

const patient = (extra: Record<string, unknown>) => ({ resourceType: 'Patient', ...extra });

describe('validateResource: the resource itself', () => {
  it('accepts a minimal valid resource', () => {
    assert.deepEqual(problems({ resourceType: 'Patient' }), []);
    assert.deepEqual(problems({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }), []);
  });

  it('rejects anything but a JSON object', () => {
    for (const value of [null, 'Patient', 3, [], [{ resourceType: 'Patient' }]]) {
      assert.deepEqual(problems(value), ['structure Resource']);
    }
    assert.deepEqual(problems([], { resourceType: 'Patient' }), ['structure Patient']);
  });

  it('requires a known concrete resourceType', () => {
    assert.deepEqual(problems({ id: 'a' }), ['required Resource.resourceType']);
    assert.deepEqual(problems({ resourceType: 'Pateint' }), ['invalid Resource.resourceType']);
    assert.deepEqual(problems({ resourceType: 'DomainResource' }), ['invalid Resource.resourceType']);
    assert.deepEqual(problems({ resourceType: 7 }), ['invalid Resource.resourceType']);
    assert.deepEqual(problems({}, { resourceType: 'Patient' }), ['required Patient.resourceType']);
  });

  it('reports a resourceType that differs from the expected one, and still validates the body', () => {
    assert.deepEqual(problems({ resourceType: 'Patient', foo: 1 }, { resourceType: 'Observation' }), [
      'invalid Patient.resourceType',
      'structure Patient.foo',
    ]);
    assert.deepEqual(problems({ resourceType: 'Patient' }, { resourceType: 'Patient' }), []);
  });

  it('checks the resource id against the id format', () => {
    assert.deepEqual(problems(patient({ id: 'abc-1.2' })), []);
    assert.deepEqual(problems(patient({ id: 'a_b' })), ['value Patient.id']);
    assert.deepEqual(problems(patient({ id: 'x'.repeat(65) })), ['value Patient.id']);
    assert.deepEqual(problems(patient({ id: 12 })), ['structure Patient.id']);
  });

  it('validates meta like any element', () => {
    assert.deepEqual(
      problems(patient({ meta: { versionId: '1', lastUpdated: '2020-01-01T00:00:00Z' } })),
      [],
    );
    assert.deepEqual(problems(patient({ meta: { lastUpdated: '2020-01-01', tag: {}, source: 1 } })), [
      'structure Patient.meta.source',
      'structure Patient.meta.tag',
      'value Patient.meta.lastUpdated',
    ]);
  });

  it('reports every problem, not just the first', () => {
    const issues = validateResource(
      patient({ foo: 1, bar: 2, gender: 'x', birthDate: 'y', active: 'true', name: {}, telecom: [] }),
    );
    assert.equal(issues.length, 7);
    for (const issue of issues) assert.equal(issue.severity, 'error');
  });
});

describe('validateResource: unknown elements', () => {
  it('rejects keys the element does not define, at any depth', () => {
    assert.deepEqual(problems(patient({ foo: 1, name: [{ family: 'a', middle: 'b' }, { fmaily: 'c' }] })), [
      'structure Patient.foo',
      'structure Patient.name[0].middle',
      'structure Patient.name[1].fmaily',
    ]);
  });

  it('rejects choice suffixes that are not among the allowed types', () => {
    assert.deepEqual(problems(patient({ deceasedString: 'yes' })), ['structure Patient.deceasedString']);
    assert.deepEqual(problems(patient({ deceased: true })), ['structure Patient.deceased']);
    assert.deepEqual(problems(patient({ deceasedBoolean: true })), []);
    assert.deepEqual(
      problems({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueFoo: 1 }),
      ['structure Observation.valueFoo'],
    );
  });

  it('allows only one type for a choice element', () => {
    assert.deepEqual(problems(patient({ deceasedBoolean: true, deceasedDateTime: '2020' })), [
      'structure Patient.deceasedDateTime',
    ]);
  });

  it('rejects `_x` companions whose base element is unknown or not a primitive', () => {
    assert.deepEqual(problems(patient({ _foo: { id: 'a' } })), ['structure Patient._foo']);
    assert.deepEqual(problems(patient({ _name: [{ id: 'a' }] })), ['structure Patient._name']);
    assert.deepEqual(problems(patient({ _deceasedBoolean: { id: 'a' } })), []);
  });

  it('does not echo unknown keys that are not plain names', () => {
    const issues = validateResource(patient({ 'John Smith 1980-01-01': 1 }));
    assert.deepEqual(
      issues.map((i) => i.expression),
      [['Patient']],
    );
    assert.ok(!JSON.stringify(issues).includes('Smith'));
  });

  it('does not treat Object.prototype names as elements', () => {
    assert.deepEqual(problems(JSON.parse('{"resourceType":"Patient","__proto__":{"x":1},"toString":1}')), [
      'structure Patient.__proto__',
      'structure Patient.toString',
    ]);
  });

  it('allows resourceType only at a resource root', () => {
    assert.deepEqual(problems(patient({ name: [{ resourceType: 'HumanName', family: 'a' }] })), [
      'structure Patient.name[0].resourceType',
    ]);
  });
});

describe('validateResource: JSON kinds', () => {
  it('requires the JSON kind of each primitive', () => {
    assert.deepEqual(
      problems(
        patient({
          active: 'true',
          gender: 1,
          birthDate: 19800101,
          multipleBirthInteger: '2',
          deceasedBoolean: 0,
        }),
      ),
      [
        'structure Patient.active',
        'structure Patient.birthDate',
        'structure Patient.deceasedBoolean',
        'structure Patient.gender',
        'structure Patient.multipleBirthInteger',
      ],
    );
  });

  it('requires decimals as JSON numbers', () => {
    const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
    assert.deepEqual(problems({ ...obs, valueQuantity: { value: 1.5 } }), []);
    assert.deepEqual(problems({ ...obs, valueQuantity: { value: '1.5' } }), [
      'structure Observation.valueQuantity.value',
    ]);
  });

  it('requires complex types as objects', () => {
    assert.deepEqual(problems(patient({ maritalStatus: 'M', name: ['Smith'] })), [
      'structure Patient.maritalStatus',
      'structure Patient.name[0]',
    ]);
  });

  it('requires arrays for repeating elements and single values otherwise', () => {
    assert.deepEqual(
      problems(patient({ name: { family: 'a' }, gender: ['male'], maritalStatus: [{ text: 'x' }] })),
      ['structure Patient.gender', 'structure Patient.maritalStatus', 'structure Patient.name'],
    );
  });

  it('rejects empty arrays, empty objects and nulls', () => {
    assert.deepEqual(problems(patient({ name: [], maritalStatus: {}, gender: null, identifier: [null] })), [
      'structure Patient.gender',
      'structure Patient.identifier[0]',
      'structure Patient.maritalStatus',
      'structure Patient.name',
    ]);
    assert.deepEqual(problems(patient({ name: [{ given: [] }] })), ['structure Patient.name[0].given']);
  });

  it('rejects empty and whitespace-only strings', () => {
    assert.deepEqual(problems(patient({ name: [{ family: '', given: ['  ', 'Ann', '\n\t'] }] })), [
      'value Patient.name[0].family',
      'value Patient.name[0].given[0]',
      'value Patient.name[0].given[2]',
    ]);
  });
});

describe('validateResource: primitive extensions', () => {
  it('accepts `_x` objects beside or instead of a value', () => {
    const ext = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };
    assert.deepEqual(problems(patient({ birthDate: '1980', _birthDate: ext })), []);
    assert.deepEqual(problems(patient({ _birthDate: ext })), []);
    assert.deepEqual(problems(patient({ _birthDate: { value: '1980' } })), [
      'structure Patient._birthDate.value',
    ]);
    assert.deepEqual(problems(patient({ _birthDate: {} })), ['structure Patient._birthDate']);
    assert.deepEqual(problems(patient({ _birthDate: [ext] })), ['structure Patient._birthDate']);
  });

  it('allows null in primitive arrays only where the companion array has extensions', () => {
    const ext = { id: 'e1' };
    assert.deepEqual(problems(patient({ name: [{ given: ['a', null], _given: [null, ext] }] })), []);
    assert.deepEqual(problems(patient({ name: [{ given: ['a', null] }] })), [
      'structure Patient.name[0].given[1]',
    ]);
    assert.deepEqual(problems(patient({ name: [{ given: ['a', null], _given: [ext, null] }] })), [
      'structure Patient.name[0]._given[1]',
      'structure Patient.name[0].given[1]',
    ]);
    assert.deepEqual(problems(patient({ name: [{ given: ['a', 'b'], _given: [null] }] })), [
      'structure Patient.name[0]._given',
    ]);
    assert.deepEqual(problems(patient({ name: [{ _given: [null] }] })), [
      'structure Patient.name[0]._given[0]',
    ]);
    assert.deepEqual(problems(patient({ name: [{ given: ['a'], _given: { id: 'x' } }] })), [
      'structure Patient.name[0]._given',
    ]);
  });

  it('has no companions for element ids, extension URLs and the narrative div', () => {
    assert.deepEqual(
      problems(patient({ _id: { extension: [{ url: 'http://e.org', valueString: 'x' }] } })),
      [],
    );
    assert.deepEqual(
      problems(
        patient({
          name: [{ _id: { id: 'a' } }],
          extension: [{ url: 'http://e.org', _url: { id: 'a' }, valueString: 'x' }],
          text: { status: 'generated', div: '<div>x</div>', _div: { id: 'a' } },
        }),
      ),
      ['structure Patient.extension[0]._url', 'structure Patient.name[0]._id', 'structure Patient.text._div'],
    );
  });

  it('validates the extensions inside a companion', () => {
    assert.deepEqual(problems(patient({ _gender: { extension: [{ valueString: 'x' }] } })), [
      'required Patient._gender.extension[0].url',
    ]);
  });
});

describe('validateResource: cardinality', () => {
  it('reports missing required elements with code `required`', () => {
    assert.deepEqual(problems({ resourceType: 'Observation' }), [
      'required Observation.code',
      'required Observation.status',
    ]);
    assert.deepEqual(problems(patient({ link: [{ type: 'seealso' }] })), ['required Patient.link[0].other']);
  });

  it('counts an element present through its `_x` companion', () => {
    assert.deepEqual(
      problems({
        resourceType: 'Observation',
        _status: { extension: [{ url: 'http://x.org', valueCode: 'a' }] },
        code: { text: 'x' },
      }),
      [],
    );
  });

  it('reports a missing required choice once, named with [x]', () => {
    assert.deepEqual(
      problems({
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/1' },
      }),
      ['required MedicationRequest.medication[x]'],
    );
  });

  it('checks required elements inside datatypes, backbones and recursive elements', () => {
    assert.deepEqual(problems(patient({ extension: [{ valueString: 'x' }] })), [
      'required Patient.extension[0].url',
    ]);
    const questionnaire = {
      resourceType: 'Questionnaire',
      status: 'draft',
      item: [{ linkId: '1', type: 'group', item: [{ type: 'string', item: [{ linkId: '1.1.1' }] }] }],
    };
    assert.deepEqual(problems(questionnaire), [
      'required Questionnaire.item[0].item[0].item[0].type',
      'required Questionnaire.item[0].item[0].linkId',
    ]);
  });
});

describe('validateResource: hostile input', () => {
  it('stops at a nesting depth no real resource reaches, without overflowing the stack', () => {
    let extension: Record<string, unknown> = { url: 'http://e.org', valueString: 'x' };
    for (let i = 0; i < 20000; i++) extension = { url: 'http://e.org', extension: [extension] };
    const issues = validateResource({ resourceType: 'Patient', extension: [extension] });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, 'too-costly');
  });

  it('does not descend into unknown elements', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20000; i++) deep = { a: [deep] };
    assert.deepEqual(problems({ resourceType: 'Patient', unknown: deep }), ['structure Patient.unknown']);
  });
});
