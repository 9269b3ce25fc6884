import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import { type Fixture, createFixture } from './support/setup.js';
import { rows } from './support/store.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
let f: Fixture;

before(async () => {
  f = await createFixture();
  const A = f.t.tenantA;
  const put = f.store.put.bind(f.store);
  await put(A, { resourceType: 'RiskAssessment', id: 'r1' }, { number: [rows.num('probability', '0.25')] });
  await put(A, { resourceType: 'RiskAssessment', id: 'r2' }, { number: [rows.num('probability', '100')] });
  await put(A, { resourceType: 'RiskAssessment', id: 'r3' }, {});
  // Blood pressure: two component repetitions, matched by grp.
  await put(
    A,
    { resourceType: 'Observation', id: 'bp' },
    {
      token: [
        rows.tok('code-value-quantity$0', LOINC, '8480-6', undefined, 1),
        rows.tok('code-value-quantity$0', LOINC, '8462-4', undefined, 2),
        rows.tok('_tag', 'http://acme/tags', 'vip'),
        rows.tok('_security', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', 'R'),
      ],
      quantity: [
        rows.qty('code-value-quantity$1', '120', UCUM, 'mm[Hg]', 'mmHg', 1),
        rows.qty('code-value-quantity$1', '80', UCUM, 'mm[Hg]', 'mmHg', 2),
      ],
      uri: [
        rows.uri('_profile', 'http://hl7.org/fhir/StructureDefinition/bp'),
        rows.uri('_source', 'http://device.example/x#1'),
      ],
    },
  );
  await put(
    A,
    { resourceType: 'Observation', id: 'wt' },
    {
      quantity: [rows.qty('value-quantity', '72.5', UCUM, 'kg', 'kg')],
      token: [rows.tok('code', LOINC, '29463-7')],
    },
  );
  await put(
    A,
    { resourceType: 'Observation', id: 'wt2' },
    {
      quantity: [rows.qty('value-quantity', '150', null, null, 'lbs')],
      token: [rows.tok('code', LOINC, '29463-7')],
    },
  );
  await put(
    A,
    { resourceType: 'ValueSet', id: 'vs1' },
    { uri: [rows.uri('url', 'http://acme.org/fhir/ValueSet/colors')] },
  );
  await put(A, { resourceType: 'ValueSet', id: 'vs2' }, { uri: [rows.uri('url', 'http://acme.org/fhir')] });
  await put(
    A,
    { resourceType: 'ValueSet', id: 'vs3' },
    { uri: [rows.uri('url', 'http://other.org/ValueSet/x')] },
  );
  await put(A, { resourceType: 'Questionnaire', id: 'q1' }, {});
  await put(
    A,
    { resourceType: 'QuestionnaireResponse', id: 'qr1' },
    {
      reference: [rows.ref('questionnaire', null, null, 'http://acme.org/Questionnaire/intake', '2.0')],
    },
  );
  await put(
    A,
    { resourceType: 'QuestionnaireResponse', id: 'qr2' },
    {
      reference: [rows.ref('questionnaire', null, null, 'http://acme.org/Questionnaire/intake', '1.0')],
    },
  );
  await put(
    A,
    { resourceType: 'QuestionnaireResponse', id: 'qr3' },
    {
      reference: [rows.ref('questionnaire', 'Questionnaire', 'q1')],
    },
  );
});
after(async () => f.t.close());

const sorted = (xs: string[]) => [...xs].sort();
const is400 = (e: unknown) => e instanceof FhirError && e.status === 400;

describe('number', () => {
  it('precision-aware equality and prefixes', async () => {
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=0.25'), ['r1']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=0.3'), ['r1']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=0.30'), []);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=1e2'), ['r2']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=gt0.25'), ['r2']);
    assert.deepEqual(sorted(await f.ids('RiskAssessment', 'probability=ge0.25')), ['r1', 'r2']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=lt1'), ['r1']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=le0.24'), []);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=ne100'), ['r1']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=ap95'), ['r2']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=sa50'), ['r2']);
    assert.deepEqual(await f.ids('RiskAssessment', 'probability=eb50'), ['r1']);
  });
  it('malformed numbers are 400', async () => {
    await assert.rejects(f.search('RiskAssessment', 'probability=abc'), is400);
    await assert.rejects(f.search('RiskAssessment', 'probability=xx5'), is400);
  });
  it(':missing', async () => {
    assert.deepEqual(await f.ids('RiskAssessment', 'probability:missing=true'), ['r3']);
    assert.deepEqual(sorted(await f.ids('RiskAssessment', 'probability:missing=false')), ['r1', 'r2']);
    await assert.rejects(f.search('RiskAssessment', 'probability:missing=maybe'), is400);
  });
});

describe('quantity', () => {
  it('number|system|code, number||code, plain number, prefixes', async () => {
    assert.deepEqual(await f.ids('Observation', `value-quantity=72.5|${UCUM}|kg`), ['wt']);
    assert.deepEqual(await f.ids('Observation', `value-quantity=72.5|${UCUM}|g`), []);
    assert.deepEqual(await f.ids('Observation', 'value-quantity=72.5||kg'), ['wt']);
    assert.deepEqual(await f.ids('Observation', 'value-quantity=150||lbs'), ['wt2']);
    assert.deepEqual(sorted(await f.ids('Observation', 'value-quantity=gt70')), ['wt', 'wt2']);
    assert.deepEqual(await f.ids('Observation', 'value-quantity=lt100||kg'), ['wt']);
    assert.deepEqual(await f.ids('Observation', 'value-quantity=73'), ['wt']);
    assert.deepEqual(await f.ids('Observation', 'value-quantity=73.0'), []);
    await assert.rejects(f.search('Observation', 'value-quantity=1|2'), is400);
  });
});

describe('composite', () => {
  it('components match within the same repetition', async () => {
    assert.deepEqual(await f.ids('Observation', `code-value-quantity=${LOINC}|8480-6$gt100`), ['bp']);
    assert.deepEqual(await f.ids('Observation', `code-value-quantity=${LOINC}|8480-6$lt100`), []);
    assert.deepEqual(await f.ids('Observation', `code-value-quantity=8462-4$80`), ['bp']);
    assert.deepEqual(await f.ids('Observation', `code-value-quantity=8462-4$120,8480-6$120`), ['bp']);
    assert.deepEqual(await f.ids('Observation', 'code-value-quantity:missing=false'), ['bp']);
    await assert.rejects(f.search('Observation', 'code-value-quantity=8462-4'), is400);
  });
});

describe('uri', () => {
  it('exact, :below, :above', async () => {
    assert.deepEqual(await f.ids('ValueSet', 'url=http://acme.org/fhir'), ['vs2']);
    assert.deepEqual(sorted(await f.ids('ValueSet', 'url:below=http://acme.org/fhir')), ['vs1', 'vs2']);
    assert.deepEqual(sorted(await f.ids('ValueSet', 'url:above=http://acme.org/fhir/ValueSet/colors/v2')), [
      'vs1',
      'vs2',
    ]);
    assert.deepEqual(await f.ids('ValueSet', 'url:above=http://other.org'), []);
  });
});

describe('reference: canonical and missing', () => {
  it('url|version, plain url, local', async () => {
    assert.deepEqual(
      await f.ids('QuestionnaireResponse', 'questionnaire=http://acme.org/Questionnaire/intake|2.0'),
      ['qr1'],
    );
    assert.deepEqual(
      sorted(await f.ids('QuestionnaireResponse', 'questionnaire=http://acme.org/Questionnaire/intake')),
      ['qr1', 'qr2'],
    );
    assert.deepEqual(await f.ids('QuestionnaireResponse', 'questionnaire=Questionnaire/q1'), ['qr3']);
    assert.deepEqual(await f.ids('QuestionnaireResponse', 'questionnaire:missing=true'), []);
  });
});

describe('meta parameters', () => {
  it('_tag, _security, _profile, _source', async () => {
    assert.deepEqual(await f.ids('Observation', '_tag=http://acme/tags|vip'), ['bp']);
    assert.deepEqual(await f.ids('Observation', '_tag=other'), []);
    assert.deepEqual(await f.ids('Observation', '_security=R'), ['bp']);
    assert.deepEqual(await f.ids('Observation', '_profile=http://hl7.org/fhir/StructureDefinition/bp'), [
      'bp',
    ]);
    assert.deepEqual(await f.ids('Observation', '_source=http://device.example/x#1'), ['bp']);
  });
  it('system-level search with _type and shared parameters', async () => {
    assert.deepEqual(await f.ids(undefined, '_tag=vip'), ['bp']);
    assert.deepEqual(sorted(await f.ids(undefined, '_type=ValueSet,Questionnaire')), [
      'q1',
      'vs1',
      'vs2',
      'vs3',
    ]);
    assert.deepEqual(sorted(await f.ids(undefined, '_type=ValueSet&url=http://acme.org/fhir')), ['vs2']);
    assert.equal((await f.ids(undefined, '_lastUpdated=gt2000-01-01&_count=1000')).length, 13);
    const b = await f.search(undefined, '_id=vs1');
    assert.equal(b.entry?.[0]?.fullUrl, 'https://ov.test/fhir/R4/ValueSet/vs1');
    await assert.rejects(f.search(undefined, '_type=Nope'), is400);
  });
});

describe('lenient and strict', () => {
  it('unknown parameters are ignored and reported by name only', async () => {
    const b = await f.search('ValueSet', 'url=http://acme.org/fhir&foo=secret-value&_text=x');
    const outcome = b.entry?.find((e) => e.search.mode === 'outcome');
    assert.ok(outcome);
    const text = JSON.stringify(outcome.resource);
    assert.match(text, /foo/);
    assert.match(text, /_text/);
    assert.doesNotMatch(text, /secret-value/);
    assert.deepEqual(
      (b.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource.id),
      ['vs2'],
    );
    const res = await f.engine.search(f.t.tenantA, {
      resourceType: 'ValueSet',
      params: [['foo', 'x']],
      strict: false,
    });
    assert.deepEqual(res.ignored, ['foo']);
  });
  it('strict rejects them', async () => {
    await assert.rejects(f.search('ValueSet', 'foo=x', { strict: true }), (e: unknown) => {
      assert.ok(e instanceof FhirError && e.status === 400);
      assert.doesNotMatch(JSON.stringify(e.outcome), /"x"/);
      return true;
    });
  });
  it('bad modifiers are 400 in both modes', async () => {
    await assert.rejects(f.search('Observation', 'code:exact=x'), is400);
    await assert.rejects(f.search('Observation', 'code:in=http://vs'), is400);
    await assert.rejects(f.search('Observation', 'date:contains=2020'), is400);
    await assert.rejects(f.search('Observation', 'subject:Medication=1'), is400);
    await assert.rejects(f.search('Observation', 'subject.nope=1'), is400);
    await assert.rejects(f.search('Observation', 'code.x=1'), is400);
    await assert.rejects(f.search('Observation', '_sort=nope'), is400);
  });
  it('diagnostics never echo values', async () => {
    await assert.rejects(f.search('Patient', 'birthdate=John-Doe-1970'), (e: unknown) => {
      assert.ok(e instanceof FhirError);
      assert.doesNotMatch(e.message, /John/);
      return true;
    });
  });
});
