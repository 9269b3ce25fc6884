import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReference } from '../../src/fhir/validation/index.js';
import { problems } from './issue-summary.js';

function managedBy(reference: string): string[] {
  return problems({ resourceType: 'Patient', managingOrganization: { reference } });
}

describe('reference format', () => {
  it('accepts relative, versioned, conditional, absolute, urn and local references', () => {
    for (const reference of [
      'Organization/1',
      'Organization/a.b-C',
      'Organization/1/_history/2',
      'Organization?identifier=http://x.org|1',
      'http://example.org/fhir/Organization/1',
      'https://example.org/anything',
      'urn:uuid:c757873d-ec9a-4326-a141-556f43239520',
      'urn:oid:1.2.3.4',
    ]) {
      assert.deepEqual(managedBy(reference), [], reference);
    }
  });

  it('rejects malformed references with code `value`', () => {
    for (const reference of [
      'Organization',
      'Organization/',
      'Organization/a_b',
      'Organization/1/2',
      'Organization/1/_history/',
      'Organisation/1',
      'urn:uuid:1',
      'urn:oid:abc',
      'ftp://example.org/x',
      '/Organization/1',
    ]) {
      assert.deepEqual(managedBy(reference), ['value Patient.managingOrganization.reference'], reference);
    }
  });

  it('parses references', () => {
    assert.deepEqual(parseReference('Patient/1/_history/3'), { form: 'relative', type: 'Patient' });
    assert.deepEqual(parseReference('#p1'), { form: 'local', id: 'p1' });
    assert.deepEqual(parseReference('urn:uuid:c757873d-ec9a-4326-a141-556f43239520'), { form: 'absolute' });
    assert.equal(parseReference('Nope/1').form, 'invalid');
  });
});

describe('reference targets', () => {
  it('rejects a relative reference to a type the element does not allow', () => {
    assert.deepEqual(managedBy('Practitioner/1'), ['invalid Patient.managingOrganization.reference']);
    assert.deepEqual(managedBy('Practitioner?identifier=1'), [
      'invalid Patient.managingOrganization.reference',
    ]);
    assert.deepEqual(
      problems({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: 'Group/1' },
        performer: [{ reference: 'Practitioner/1' }, { reference: 'Medication/1' }],
      }),
      ['invalid Observation.performer[1].reference'],
    );
  });

  it('does not check targets of absolute references or Reference(Any)', () => {
    assert.deepEqual(managedBy('http://example.org/fhir/Practitioner/1'), []);
    assert.deepEqual(
      problems({
        resourceType: 'Patient',
        extension: [{ url: 'http://e.org', valueReference: { reference: 'Medication/1' } }],
      }),
      [],
    );
    assert.deepEqual(
      problems({
        resourceType: 'Provenance',
        target: [{ reference: 'Medication/1' }],
        recorded: '2020-01-01T00:00:00Z',
        agent: [{ who: { reference: 'Practitioner/1' } }],
      }),
      [],
    );
  });
});

describe('contained resources', () => {
  const contained = (extra: Record<string, unknown>) => ({
    resourceType: 'Patient',
    contained: [{ resourceType: 'Organization', id: 'org1', name: 'Clinic' }],
    ...extra,
  });

  it('resolves `#id` to a contained resource and `#` to the container', () => {
    assert.deepEqual(problems(contained({ managingOrganization: { reference: '#org1' } })), []);
    assert.deepEqual(problems(contained({ managingOrganization: { reference: '#org2' } })), [
      'invalid Patient.managingOrganization.reference',
    ]);
    assert.deepEqual(problems({ resourceType: 'Patient', managingOrganization: { reference: '#org1' } }), [
      'invalid Patient.managingOrganization.reference',
    ]);
    assert.deepEqual(
      problems({
        resourceType: 'Patient',
        id: 'p',
        contained: [{ resourceType: 'Organization', id: 'o', partOf: { reference: '#' } }],
      }),
      [],
    );
  });

  it('validates contained resources against their own type, with paths through contained[i]', () => {
    assert.deepEqual(
      problems(
        contained({
          contained: [
            { resourceType: 'Organization', id: 'org1', nmae: 'x' },
            { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' }, valueFoo: 1 },
            { id: 'x' },
            { resourceType: 'Nope' },
          ],
        }),
      ),
      [
        'invalid Patient.contained[3].resourceType',
        'required Patient.contained[2].resourceType',
        'structure Patient.contained[0].nmae',
        'structure Patient.contained[1].valueFoo',
      ],
    );
  });

  it('resolves references inside a contained resource against the container', () => {
    assert.deepEqual(
      problems({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        contained: [
          { resourceType: 'Patient', id: 'p', managingOrganization: { reference: '#o' } },
          { resourceType: 'Organization', id: 'o' },
        ],
        subject: { reference: '#p' },
      }),
      [],
    );
  });

  it('rejects contained resources that contain resources', () => {
    assert.deepEqual(
      problems(
        contained({
          contained: [
            {
              resourceType: 'Organization',
              id: 'o',
              contained: [{ resourceType: 'Basic', code: { text: 'x' } }],
            },
          ],
        }),
      ),
      ['invalid Patient.contained[0].contained'],
    );
  });
});

describe('resources inside resources', () => {
  it('validates Bundle entries against their own resourceType, each with its own contained scope', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520',
          resource: {
            resourceType: 'Patient',
            gender: 'F',
            contained: [{ resourceType: 'Organization', id: 'o' }],
          },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'x' },
            performer: [{ reference: '#o' }],
          },
          request: { method: 'PUT', url: 'Observation/1' },
        },
        { resource: { resourceType: 'Nope' }, request: { method: 'FETCH', url: 'x' } },
        { resource: [] },
      ],
    };
    assert.deepEqual(problems(bundle), [
      'code-invalid Bundle.entry[0].resource.gender',
      'code-invalid Bundle.entry[2].request.method',
      'invalid Bundle.entry[1].resource.performer[0].reference',
      'invalid Bundle.entry[2].resource.resourceType',
      'structure Bundle.entry[3].resource',
    ]);
  });

  it('validates Parameters.parameter.resource', () => {
    assert.deepEqual(
      problems({
        resourceType: 'Parameters',
        parameter: [
          { name: 'a', resource: { resourceType: 'Patient', birthDate: 'x' } },
          { name: 'b', part: [{ name: 'c', resource: { resourceType: 'Patient', foo: 1 } }] },
        ],
      }),
      [
        'structure Parameters.parameter[1].part[0].resource.foo',
        'value Parameters.parameter[0].resource.birthDate',
      ],
    );
  });
});
