import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definitions } from '../../src/fhir/definitions/index.js';
import { createIndexer, NOT_INDEXED } from '../../src/fhir/search/indexer/index.js';
import { createSearchPathCompiler } from '../../src/fhir/search/fhirpath/index.js';
import type { IndexRows } from '../../src/fhir/search/index-rows.js';
import type { IndexedType } from '../../src/fhir/search/indexer/plan.js';

const defs = definitions();
const BASE = 'http://localhost:8080/fhir/R4';
const indexer = createIndexer(defs, { baseUrl: BASE });

function rowsOf<K extends keyof IndexRows>(rows: IndexRows, table: K, param: string): IndexRows[K] {
  return rows[table].filter((r) => r.param === param) as IndexRows[K];
}

test('number: precision ranges by decimal arithmetic', () => {
  const rows = indexer.extract({
    resourceType: 'RiskAssessment',
    prediction: [{ probabilityDecimal: 1.5 }, { probabilityDecimal: 100 }, { probabilityDecimal: 0.1 }],
  });
  assert.deepEqual(rowsOf(rows, 'number', 'probability'), [
    { param: 'probability', grp: 0, value: '1.5', lo: '1.45', hi: '1.55' },
    { param: 'probability', grp: 0, value: '100', lo: '99.5', hi: '100.5' },
    { param: 'probability', grp: 0, value: '0.1', lo: '0.05', hi: '0.15' },
  ]);
});

test('number: a Range spans low to high, open ends are infinite', () => {
  const rows = indexer.extract({
    resourceType: 'RiskAssessment',
    prediction: [
      { probabilityRange: { low: { value: 0.2 }, high: { value: 0.35 } } },
      { probabilityRange: { high: { value: 3 } } },
    ],
  });
  assert.deepEqual(rowsOf(rows, 'number', 'probability'), [
    { param: 'probability', grp: 0, value: '0.2', lo: '0.15', hi: '0.355' },
    { param: 'probability', grp: 0, value: '3', lo: '-Infinity', hi: '3.5' },
  ]);
});

test('quantity: value with precision, system, code and unit; Money as ISO 4217', () => {
  const obs = indexer.extract({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'weight' },
    valueQuantity: { value: -0.25, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  });
  assert.deepEqual(rowsOf(obs, 'quantity', 'value-quantity'), [
    {
      param: 'value-quantity',
      grp: 0,
      value: '-0.25',
      lo: '-0.255',
      hi: '-0.245',
      system: 'http://unitsofmeasure.org',
      code: 'kg',
      unit: 'kg',
    },
  ]);
  const charge = indexer.extract({
    resourceType: 'ChargeItem',
    priceOverride: { value: 12.5, currency: 'USD' },
  });
  assert.deepEqual(rowsOf(charge, 'quantity', 'price-override'), [
    {
      param: 'price-override',
      grp: 0,
      value: '12.5',
      lo: '12.45',
      hi: '12.55',
      system: 'urn:iso:std:iso:4217',
      code: 'USD',
      unit: 'USD',
    },
  ]);
});

test('date: partial dates, time zones, fractions and dates without zone (UTC)', () => {
  const cases: [string, string, string][] = [
    ['2020', '2020-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z'],
    ['2020-02', '2020-02-01T00:00:00.000Z', '2020-03-01T00:00:00.000Z'],
    ['2020-12-31', '2020-12-31T00:00:00.000Z', '2021-01-01T00:00:00.000Z'],
    ['2020-03-04T10:00:00+02:00', '2020-03-04T08:00:00.000Z', '2020-03-04T08:00:01.000Z'],
    ['2020-03-04T10:00:00-05:30', '2020-03-04T15:30:00.000Z', '2020-03-04T15:30:01.000Z'],
    ['2020-03-04T10:00:00.5Z', '2020-03-04T10:00:00.500Z', '2020-03-04T10:00:00.600Z'],
    ['2020-03-04T10:00:00', '2020-03-04T10:00:00.000Z', '2020-03-04T10:00:01.000Z'],
    ['0050-06-01', '0050-06-01T00:00:00.000Z', '0050-06-02T00:00:00.000Z'],
  ];
  for (const [birthDate, lo, hi] of cases) {
    const rows = indexer.extract({ resourceType: 'Patient', birthDate });
    assert.deepEqual(rowsOf(rows, 'date', 'birthdate'), [{ param: 'birthdate', grp: 0, lo, hi }], birthDate);
  }
  assert.deepEqual(indexer.extract({ resourceType: 'Patient', birthDate: '2021-02-30' }).date, []);
  assert.deepEqual(indexer.extract({ resourceType: 'Patient', birthDate: 'yesterday' }).date, []);
});

test('date: Period with open ends, Timing events and bounds', () => {
  const enc = indexer.extract({
    resourceType: 'Encounter',
    status: 'finished',
    class: { code: 'AMB' },
    period: { start: '2020-01-01' },
  });
  assert.deepEqual(rowsOf(enc, 'date', 'date'), [
    { param: 'date', grp: 0, lo: '2020-01-01T00:00:00.000Z', hi: 'infinity' },
  ]);
  const ended = indexer.extract({ resourceType: 'Encounter', period: { end: '2020-01' } });
  assert.deepEqual(rowsOf(ended, 'date', 'date'), [
    { param: 'date', grp: 0, lo: '-infinity', hi: '2020-02-01T00:00:00.000Z' },
  ]);
  assert.deepEqual(indexer.extract({ resourceType: 'Encounter', period: {} }).date, []);

  const cp = indexer.extract({
    resourceType: 'CarePlan',
    activity: [
      {
        detail: {
          status: 'scheduled',
          scheduledTiming: {
            event: ['2021-05-01T08:00:00Z', '2021-05-02'],
            repeat: { boundsPeriod: { start: '2021-05-01', end: '2021-05-10' } },
          },
        },
      },
    ],
  });
  assert.deepEqual(rowsOf(cp, 'date', 'activity-date'), [
    { param: 'activity-date', grp: 0, lo: '2021-05-01T08:00:00.000Z', hi: '2021-05-01T08:00:01.000Z' },
    { param: 'activity-date', grp: 0, lo: '2021-05-02T00:00:00.000Z', hi: '2021-05-03T00:00:00.000Z' },
    { param: 'activity-date', grp: 0, lo: '2021-05-01T00:00:00.000Z', hi: '2021-05-11T00:00:00.000Z' },
  ]);
});

test('string: HumanName and Address parts, normalized, without duplicates', () => {
  const rows = indexer.extract({
    resourceType: 'Patient',
    name: [
      { family: 'Ångström', given: ['Zoë', 'Ann'], prefix: ['Dr'], text: 'Dr Zoë Ann Ångström' },
      { given: ['Ann'] },
    ],
    address: [
      {
        line: ['1 Main St'],
        city: 'Springfield',
        district: 'North',
        state: 'IL',
        postalCode: '62701',
        country: 'US',
      },
    ],
  });
  // name's values are its own rows plus those of family and given (covered-params.ts), each once.
  const values = (param: string) => rowsOf(rows, 'string', param).map((r) => [r.value, r.norm]);
  assert.deepEqual(values('family'), [['Ångström', 'angstrom']]);
  assert.deepEqual(values('given'), [
    ['Zoë', 'zoe'],
    ['Ann', 'ann'],
  ]);
  assert.deepEqual(values('name'), [
    ['Dr', 'dr'],
    ['Dr Zoë Ann Ångström', 'dr zoe ann angstrom'],
  ]);
  assert.deepEqual(values('phonetic'), [], 'phonetic has the same values as name, stored once');
  assert.deepEqual(
    rowsOf(rows, 'string', 'address').map((r) => r.value),
    ['1 Main St', 'North'],
  );
  for (const [param, value] of [
    ['address-city', 'Springfield'],
    ['address-state', 'IL'],
    ['address-postalcode', '62701'],
    ['address-country', 'US'],
  ] as const) {
    assert.deepEqual(
      rowsOf(rows, 'string', param).map((r) => r.value),
      [value],
    );
  }
});

test('string: a value is left out of a parameter only when a covered parameter holds it', () => {
  // Organization.name covers phonetic (Organization.name); alias values are name's alone.
  const rows = indexer.extract({ resourceType: 'Organization', name: 'Acme Clinic', alias: ['Acme'] });
  assert.deepEqual(
    rowsOf(rows, 'string', 'phonetic').map((r) => r.value),
    ['Acme Clinic'],
  );
  assert.deepEqual(
    rowsOf(rows, 'string', 'name').map((r) => r.value),
    ['Acme'],
  );
  // Patient.name.text repeating a family name stays a name row only if family does not hold it.
  const p = indexer.extract({ resourceType: 'Patient', name: [{ text: 'Cher' }, { family: 'Cher' }] });
  assert.deepEqual(
    rowsOf(p, 'string', 'name').map((r) => r.value),
    [],
  );
  assert.deepEqual(
    rowsOf(p, 'string', 'family').map((r) => r.value),
    ['Cher'],
  );
});

test('token: CodeableConcept codings, display/text, and text-only concepts', () => {
  const rows = indexer.extract({
    resourceType: 'Condition',
    subject: { reference: 'Patient/1' },
    code: {
      coding: [
        { system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' },
        { system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11' },
      ],
      text: 'Type 2 diabetes',
    },
    category: [{ text: 'Problem list item' }],
  });
  assert.deepEqual(rowsOf(rows, 'token', 'code'), [
    {
      param: 'code',
      grp: 0,
      system: 'http://snomed.info/sct',
      code: '44054006',
      textNorm: 'diabetes mellitus type 2',
    },
    {
      param: 'code',
      grp: 0,
      system: 'http://hl7.org/fhir/sid/icd-10',
      code: 'E11',
      textNorm: 'type 2 diabetes',
    },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', 'category'), [
    { param: 'category', grp: 0, system: null, code: null, textNorm: 'problem list item' },
  ]);
  const both = indexer.extract({
    resourceType: 'Condition',
    code: { coding: [{ system: 's', code: 'c', display: 'Display' }], text: 'Other text' },
  });
  assert.deepEqual(rowsOf(both, 'token', 'code'), [
    { param: 'code', grp: 0, system: 's', code: 'c', textNorm: 'display' },
    { param: 'code', grp: 0, system: null, code: null, textNorm: 'other text' },
  ]);
});

test('token: Identifier, ContactPoint, code, boolean, Coding (meta.tag) and Patient.deceased', () => {
  const rows = indexer.extract({
    resourceType: 'Patient',
    meta: {
      tag: [{ system: 'urn:tags', code: 'vip', display: 'VIP' }],
      security: [{ system: 'urn:sec', code: 'R' }],
    },
    identifier: [
      { system: 'urn:mrn', value: '123', type: { text: 'Medical record number' } },
      { value: 'no-system' },
    ],
    telecom: [
      { system: 'phone', value: '555-1234', use: 'home' },
      { system: 'email', value: 'a@example.org' },
    ],
    gender: 'female',
    active: false,
    deceasedDateTime: '2020-01-01',
  });
  assert.deepEqual(rowsOf(rows, 'token', 'identifier'), [
    { param: 'identifier', grp: 0, system: 'urn:mrn', code: '123', textNorm: 'medical record number' },
    { param: 'identifier', grp: 0, system: null, code: 'no-system', textNorm: null },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', 'telecom'), [
    { param: 'telecom', grp: 0, system: 'phone', code: '555-1234', textNorm: null },
    { param: 'telecom', grp: 0, system: 'email', code: 'a@example.org', textNorm: null },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', 'email'), [
    { param: 'email', grp: 0, system: 'email', code: 'a@example.org', textNorm: null },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', 'gender'), [
    { param: 'gender', grp: 0, system: null, code: 'female', textNorm: null },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', 'active'), [
    { param: 'active', grp: 0, system: null, code: 'false', textNorm: null },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', 'deceased'), [
    { param: 'deceased', grp: 0, system: null, code: 'true', textNorm: null },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', '_tag'), [
    { param: '_tag', grp: 0, system: 'urn:tags', code: 'vip', textNorm: 'vip' },
  ]);
  assert.deepEqual(rowsOf(rows, 'token', '_security'), [
    { param: '_security', grp: 0, system: 'urn:sec', code: 'R', textNorm: null },
  ]);
  const alive = indexer.extract({ resourceType: 'Patient' });
  assert.deepEqual(rowsOf(alive, 'token', 'deceased'), [
    { param: 'deceased', grp: 0, system: null, code: 'false', textNorm: null },
  ]);
});

test('reference: relative, history, this server absolute, other server, urn:uuid, contained', () => {
  const rows = indexer.extract({
    resourceType: 'DiagnosticReport',
    subject: { reference: 'Patient/p1/_history/2' },
    result: [
      { reference: 'Observation/o1' },
      { reference: `${BASE}/Observation/o2` },
      { reference: 'https://other.example/fhir/Observation/o3' },
      { reference: 'urn:uuid:8d7c7e4b-9b4f-4a47-9d47-2f2d8a9c7b11' },
      { reference: '#c1' },
      { identifier: { system: 'urn:x', value: '1' }, display: 'no reference' },
    ],
  });
  assert.deepEqual(rowsOf(rows, 'reference', 'subject'), [
    {
      param: 'subject',
      grp: 0,
      targetType: 'Patient',
      targetId: 'p1',
      url: 'Patient/p1/_history/2',
      canonicalVersion: null,
    },
  ]);
  assert.deepEqual(rowsOf(rows, 'reference', 'patient'), [
    {
      param: 'patient',
      grp: 0,
      targetType: 'Patient',
      targetId: 'p1',
      url: 'Patient/p1/_history/2',
      canonicalVersion: null,
    },
  ]);
  assert.deepEqual(rowsOf(rows, 'reference', 'result'), [
    {
      param: 'result',
      grp: 0,
      targetType: 'Observation',
      targetId: 'o1',
      url: 'Observation/o1',
      canonicalVersion: null,
    },
    {
      param: 'result',
      grp: 0,
      targetType: 'Observation',
      targetId: 'o2',
      url: `${BASE}/Observation/o2`,
      canonicalVersion: null,
    },
    {
      param: 'result',
      grp: 0,
      targetType: null,
      targetId: null,
      url: 'https://other.example/fhir/Observation/o3',
      canonicalVersion: null,
    },
    {
      param: 'result',
      grp: 0,
      targetType: null,
      targetId: null,
      url: 'urn:uuid:8d7c7e4b-9b4f-4a47-9d47-2f2d8a9c7b11',
      canonicalVersion: null,
    },
    { param: 'result', grp: 0, targetType: null, targetId: null, url: '#c1', canonicalVersion: null },
  ]);
});

test('reference: canonicals split off their version; uri params keep both forms', () => {
  const qr = indexer.extract({
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    questionnaire: 'http://example.org/Questionnaire/phq9|2.1',
  });
  assert.deepEqual(rowsOf(qr, 'reference', 'questionnaire'), [
    {
      param: 'questionnaire',
      grp: 0,
      targetType: null,
      targetId: null,
      url: 'http://example.org/Questionnaire/phq9',
      canonicalVersion: '2.1',
    },
  ]);
  const local = indexer.extract({
    resourceType: 'QuestionnaireResponse',
    questionnaire: `${BASE}/Questionnaire/q1`,
  });
  assert.deepEqual(rowsOf(local, 'reference', 'questionnaire'), [
    {
      param: 'questionnaire',
      grp: 0,
      targetType: 'Questionnaire',
      targetId: 'q1',
      url: `${BASE}/Questionnaire/q1`,
      canonicalVersion: null,
    },
  ]);
  const profiled = indexer.extract({
    resourceType: 'Patient',
    meta: {
      profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|3.1.1'],
      source: 'urn:source:ehr',
    },
  });
  assert.deepEqual(
    rowsOf(profiled, 'uri', '_profile').map((r) => r.value),
    [
      'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|3.1.1',
      'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient',
    ],
  );
  assert.deepEqual(rowsOf(profiled, 'uri', '_source'), [
    { param: '_source', grp: 0, value: 'urn:source:ehr' },
  ]);
});

test('composite: each component repetition gets its own grp', () => {
  const rows = indexer.extract({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 120, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
        valueQuantity: { value: 80, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
    ],
  });
  const codes = rowsOf(rows, 'token', 'component-code-value-quantity$0');
  const values = rowsOf(rows, 'quantity', 'component-code-value-quantity$1');
  assert.equal(codes.length, 2);
  assert.equal(values.length, 2);
  const byCode = new Map(codes.map((c) => [c.code, c.grp]));
  const systolic = byCode.get('8480-6');
  const diastolic = byCode.get('8462-4');
  assert.ok(
    systolic !== undefined &&
      diastolic !== undefined &&
      systolic > 0 &&
      diastolic > 0 &&
      systolic !== diastolic,
  );
  assert.equal(values.find((v) => v.grp === systolic)?.value, '120');
  assert.equal(values.find((v) => v.grp === diastolic)?.value, '80');
  // The Observation itself has no value, so code-value-quantity (rooted at Observation) emits no group.
  assert.deepEqual(rowsOf(rows, 'token', 'code-value-quantity$0'), []);
  // grp is unique per matched element across all composites of the resource, and never 0 for components.
  const grps = [...rows.token, ...rows.quantity].filter((r) => r.param.includes('$')).map((r) => r.grp);
  assert.ok(grps.every((g) => g > 0));
});

test('skips _id, _lastUpdated, special and expression-less parameters; no contained resource leaks in', () => {
  const rows = indexer.extract({
    resourceType: 'Patient',
    id: 'p1',
    meta: { lastUpdated: '2024-01-01T00:00:00Z' },
    name: [{ family: 'Outer' }],
    contained: [{ resourceType: 'Patient', id: 'c', name: [{ family: 'Inner' }], gender: 'male' }],
  });
  const params = new Set(Object.values(rows).flatMap((t: { param: string }[]) => t.map((r) => r.param)));
  assert.ok(!params.has('_id') && !params.has('_lastUpdated'));
  assert.ok(!rows.string.some((r) => r.value === 'Inner'));
  assert.ok(!rows.token.some((r) => r.param === 'gender'));
  const codes = indexer.plan('Location').map((p) => p.code);
  assert.ok(!codes.includes('near') && !codes.includes('_text') && !codes.includes('_content'));
});

test('every FHIR type any R4 search expression can yield is handled or deliberately not indexed', () => {
  const compiler = createSearchPathCompiler(defs);
  const missing: string[] = [];
  const check = (type: string, outputs: readonly { type: string }[], where: string): void => {
    if (type === 'composite' || type === 'special') return;
    for (const o of outputs) {
      if (indexer.converter(type as IndexedType, o.type)) continue;
      if (NOT_INDEXED[type as IndexedType]?.includes(o.type)) continue;
      missing.push(`${where}: ${type} on ${o.type}`);
    }
  };
  for (const [resourceType, params] of defs.searchParams) {
    for (const p of params.values()) {
      if (!p.expression || p.type === 'special') continue;
      const compiled = compiler.compile(p.expression, resourceType);
      check(p.type, compiled.outputs, `${resourceType}.${p.code}`);
    }
    for (const plan of indexer.plan(resourceType)) {
      for (const c of plan.components) check(c.type, c.path.outputs, `${resourceType}.${c.param}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('R4 errata: DocumentReference relationship components are indexed by what they hold', () => {
  const rows = indexer.extract({
    resourceType: 'DocumentReference',
    relatesTo: [{ code: 'replaces', target: { reference: 'DocumentReference/d0' } }],
  });
  assert.deepEqual(rowsOf(rows, 'token', 'relationship$0'), [
    { param: 'relationship$0', grp: 1, system: null, code: 'replaces', textNorm: null },
  ]);
  assert.deepEqual(rowsOf(rows, 'reference', 'relationship$1'), [
    {
      param: 'relationship$1',
      grp: 1,
      targetType: 'DocumentReference',
      targetId: 'd0',
      url: 'DocumentReference/d0',
      canonicalVersion: null,
    },
  ]);
});
