import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import { type Fixture, createFixture } from './support/setup.js';
import { rows } from './support/store.js';

const LOINC = 'http://loinc.org';
let f: Fixture;

before(async () => {
  f = await createFixture();
  const { store } = f;
  const A = f.t.tenantA;
  const pat = (id: string, family: string, given: string, gender: string, birth: [string, string]) =>
    store.put(
      A,
      { resourceType: 'Patient', id, name: [{ family, given: [given] }], gender },
      {
        string: [
          rows.str('family', family),
          rows.str('given', given),
          rows.str('name', family),
          rows.str('name', given),
        ],
        token: [
          rows.tok('gender', 'http://hl7.org/fhir/administrative-gender', gender),
          rows.tok('active', null, 'true'),
        ],
        date: [rows.date('birthdate', ...birth)],
      },
    );
  await pat('p1', 'Smith', 'Peter', 'male', ['1980-05-01T00:00:00Z', '1980-05-02T00:00:00Z']);
  await pat('p2', 'Smithson', 'Anna', 'female', ['1990-01-01T00:00:00Z', '1990-01-02T00:00:00Z']);
  await pat('p3', 'Müller', 'Jürgen', 'male', ['2001-12-31T00:00:00Z', '2002-01-01T00:00:00Z']);
  await store.put(
    f.t.tenantB,
    { resourceType: 'Patient', id: 'b1', name: [{ family: 'Smith' }] },
    { string: [rows.str('family', 'Smith')] },
  );
  const obs = (id: string, subject: string, code: string, date: [string, string], value: string) =>
    store.put(
      A,
      { resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: LOINC, code }] } },
      {
        token: [rows.tok('code', LOINC, code, 'Blood pressure')],
        reference: [rows.ref('subject', 'Patient', subject), rows.ref('patient', 'Patient', subject)],
        date: [rows.date('date', ...date)],
        quantity: [rows.qty('value-quantity', value, 'http://unitsofmeasure.org', 'mm[Hg]', 'mmHg')],
      },
    );
  await obs('o1', 'p1', '1234-5', ['2020-03-01T10:00:00Z', '2020-03-01T10:00:00.001Z'], '120');
  await obs('o2', 'p1', '1234-5', ['2021-03-01T10:00:00Z', '2021-03-01T10:00:00.001Z'], '90');
  await obs('o3', 'p2', '9999-9', ['2020-06-01T00:00:00Z', '2020-06-02T00:00:00Z'], '100.5');
});
after(async () => f.t.close());

const sorted = (xs: string[]) => [...xs].sort();

describe('string', () => {
  it('starts-with, case and accent insensitive', async () => {
    assert.deepEqual(sorted(await f.ids('Patient', 'family=smi')), ['p1', 'p2']);
    assert.deepEqual(await f.ids('Patient', 'family=MULLER'), ['p3']);
    assert.deepEqual(await f.ids('Patient', 'family=mith'), []);
  });
  it(':exact and :contains', async () => {
    assert.deepEqual(await f.ids('Patient', 'family:exact=Smith'), ['p1']);
    assert.deepEqual(await f.ids('Patient', 'family:exact=smith'), []);
    assert.deepEqual(sorted(await f.ids('Patient', 'family:contains=MITH')), ['p1', 'p2']);
  });
  it('comma = OR, repetition = AND', async () => {
    assert.deepEqual(sorted(await f.ids('Patient', 'family=smithson,muller')), ['p2', 'p3']);
    assert.deepEqual(await f.ids('Patient', 'family=smith&given=anna'), ['p2']);
  });
  it('LIKE wildcards in values are literal', async () => {
    assert.deepEqual(await f.ids('Patient', 'family=s%25'), []);
    assert.deepEqual(await f.ids('Patient', 'family=_mith'), []);
  });
});

describe('token', () => {
  it('code, system|code, |code, system|', async () => {
    assert.deepEqual(sorted(await f.ids('Observation', 'code=1234-5')), ['o1', 'o2']);
    assert.deepEqual(sorted(await f.ids('Observation', `code=${LOINC}|1234-5`)), ['o1', 'o2']);
    assert.deepEqual(await f.ids('Observation', 'code=http://other|1234-5'), []);
    assert.deepEqual(await f.ids('Observation', 'code=|1234-5'), []);
    assert.deepEqual(sorted(await f.ids('Observation', `code=${LOINC}|`)), ['o1', 'o2', 'o3']);
    assert.deepEqual(sorted(await f.ids('Patient', 'active=|true')), ['p1', 'p2', 'p3']);
  });
  it(':not and :text', async () => {
    assert.deepEqual(await f.ids('Patient', 'gender:not=male'), ['p2']);
    assert.deepEqual(sorted(await f.ids('Observation', 'code:text=blood')), ['o1', 'o2', 'o3']);
    assert.deepEqual(sorted(await f.ids('Observation', 'code:text=pressure')), ['o1', 'o2', 'o3']);
    assert.deepEqual(await f.ids('Observation', 'code:text=ressure'), []);
  });
});

describe('reference', () => {
  it('Type/id, id, :Type, absolute local URL', async () => {
    assert.deepEqual(sorted(await f.ids('Observation', 'subject=Patient/p1')), ['o1', 'o2']);
    assert.deepEqual(sorted(await f.ids('Observation', 'subject=p1')), ['o1', 'o2']);
    assert.deepEqual(sorted(await f.ids('Observation', 'subject:Patient=p1')), ['o1', 'o2']);
    assert.deepEqual(await f.ids('Observation', 'subject:Group=p1'), []);
    assert.deepEqual(sorted(await f.ids('Observation', 'subject=https://ov.test/fhir/R4/Patient/p1')), [
      'o1',
      'o2',
    ]);
    assert.deepEqual(await f.ids('Observation', 'subject=Patient/p3'), []);
  });
  it('chain and _has', async () => {
    assert.deepEqual(sorted(await f.ids('Observation', 'subject:Patient.family=smithson')), ['o3']);
    assert.deepEqual(sorted(await f.ids('Observation', 'patient.family=smith')), ['o1', 'o2', 'o3']);
    assert.deepEqual(await f.ids('Patient', '_has:Observation:patient:code=9999-9'), ['p2']);
    assert.deepEqual(await f.ids('Patient', '_has:Observation:patient:code=0000-0'), []);
  });
});

describe('date', () => {
  it('prefixes', async () => {
    assert.deepEqual(await f.ids('Patient', 'birthdate=1980'), ['p1']);
    assert.deepEqual(await f.ids('Patient', 'birthdate=1980-05-01'), ['p1']);
    assert.deepEqual(await f.ids('Patient', 'birthdate=1980-05-02'), []);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=ge1990-01-01')), ['p2', 'p3']);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=gt1990-01-01')), ['p3']);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=le1990-01-01')), ['p1', 'p2']);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=lt1990-01-01')), ['p1']);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=ne1990')), ['p1', 'p3']);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=sa1990-01-01')), ['p3']);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=eb1990-01-01')), ['p1']);
    assert.deepEqual(sorted(await f.ids('Patient', 'birthdate=ap1990-01-01')), ['p2']);
  });
  it('combined range on Observation', async () => {
    const q = `patient=Patient/p1&code=${LOINC}|1234-5&date=ge2020-01-01&date=lt2021-01-01`;
    assert.deepEqual(await f.ids('Observation', q), ['o1']);
    assert.deepEqual(await f.ids('Observation', 'date=2020-03-01T10:00:00Z'), ['o1']);
    assert.deepEqual(await f.ids('Observation', 'date=2020-03-01T10:00'), ['o1']);
  });
  it('_lastUpdated', async () => {
    assert.equal((await f.ids('Patient', '_lastUpdated=gt2000-01-01')).length, 3);
    assert.deepEqual(await f.ids('Patient', '_lastUpdated=lt2000-01-01'), []);
  });
  it('malformed dates are 400', async () => {
    await assert.rejects(
      f.search('Patient', 'birthdate=1980-13'),
      (e: unknown) => e instanceof FhirError && e.status === 400,
    );
    await assert.rejects(
      f.search('Patient', 'birthdate=xx1980'),
      (e: unknown) => e instanceof FhirError && e.status === 400,
    );
  });
});

describe('bundle', () => {
  it('has searchset shape with fullUrl, mode, self link and free total', async () => {
    const b = await f.search('Patient', 'family=smith');
    assert.equal(b.resourceType, 'Bundle');
    assert.equal(b.type, 'searchset');
    assert.equal(b.total, 2);
    assert.equal(b.link[0]?.relation, 'self');
    assert.match(b.link[0]?.url ?? '', /^https:\/\/ov\.test\/fhir\/R4\/Patient\?family=smith$/);
    assert.ok(
      b.entry?.every(
        (e) => e.fullUrl === `https://ov.test/fhir/R4/Patient/${e.resource.id}` && e.search.mode === 'match',
      ),
    );
  });
  it('tenant isolation', async () => {
    assert.deepEqual(await f.ids('Patient', 'family=smith', { tenant: f.t.tenantB }), ['b1']);
    assert.ok(!(await f.ids('Patient', 'family=smith')).includes('b1'));
    assert.deepEqual(await f.ids('Patient', '_id=b1'), []);
  });
  it('_id', async () => {
    assert.deepEqual(sorted(await f.ids('Patient', '_id=p1,p3')), ['p1', 'p3']);
  });
});
