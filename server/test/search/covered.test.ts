import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { definitions } from '../../src/fhir/definitions/index.js';
import { coveredParams } from '../../src/fhir/search/covered-params.js';
import { createIndexer } from '../../src/fhir/search/indexer/index.js';
import { BASE, type Fixture, createFixture } from './support/setup.js';
import { TestStore } from './support/store.js';

// String parameters share rows with the parameters they cover (covered-params.ts): `name` keeps
// only the values that `family` and `given` do not hold. Searches must not notice.

let f: Fixture;

before(async () => {
  f = await createFixture();
  const indexer = createIndexer(definitions(), { baseUrl: BASE });
  const store = new TestStore(f.t.db, f.registry, (r) => indexer.extract(r));
  const A = f.t.tenantA;
  await store.put(A, {
    resourceType: 'Patient',
    id: 'full',
    name: [{ family: 'Ångström', given: ['Zoë'], prefix: ['Dr'], text: 'Dr Zoë Ångström' }],
    address: [{ line: ['1 Main St'], city: 'Springfield', district: 'North', state: 'IL' }],
  });
  await store.put(A, { resourceType: 'Patient', id: 'text-only', name: [{ text: 'Cher' }] });
  await store.put(A, { resourceType: 'Patient', id: 'nameless', gender: 'other' });
  await store.put(A, { resourceType: 'Organization', id: 'org', name: 'Acme Clinic', alias: ['Zenith'] });
});
after(async () => f.t.close());

const sorted = (xs: string[]) => [...xs].sort();

describe('covered string parameters', () => {
  it('name finds values held by family and given rows as well as its own', async () => {
    for (const q of [
      'name=angs',
      'name=zo',
      'name=dr',
      'name=dr%20zoe',
      'name:exact=Zo%C3%AB',
      'name:contains=gstr',
    ])
      assert.deepEqual(await f.ids('Patient', q), ['full'], q);
    assert.deepEqual(await f.ids('Patient', 'name=cher'), ['text-only']);
  });

  it('family and given find only their own values', async () => {
    assert.deepEqual(await f.ids('Patient', 'family=angs'), ['full']);
    assert.deepEqual(await f.ids('Patient', 'family=dr'), []);
    assert.deepEqual(await f.ids('Patient', 'given=zo'), ['full']);
    assert.deepEqual(await f.ids('Patient', 'given=angs'), []);
    assert.deepEqual(await f.ids('Patient', 'family=cher'), []);
  });

  it('phonetic (same expression as name) and address with its parts', async () => {
    assert.deepEqual(await f.ids('Patient', 'phonetic=dr'), ['full']);
    assert.deepEqual(await f.ids('Patient', 'phonetic=angs'), ['full']);
    for (const q of ['address=spring', 'address=north', 'address=1%20main', 'address=il'])
      assert.deepEqual(await f.ids('Patient', q), ['full'], q);
    assert.deepEqual(await f.ids('Patient', 'address-city=north'), []);
  });

  it(':missing and _sort see the shared rows', async () => {
    assert.deepEqual(await f.ids('Patient', 'name:missing=true'), ['nameless']);
    assert.deepEqual(sorted(await f.ids('Patient', 'name:missing=false')), ['full', 'text-only']);
    assert.deepEqual(await f.ids('Patient', 'address:missing=false'), ['full']);
    // Sorting by name uses the smallest of all name values: "angstrom" < "cher".
    assert.deepEqual(await f.ids('Patient', '_sort=name&name:missing=false'), ['full', 'text-only']);
  });

  it('Organization phonetic covers only name, not alias', async () => {
    assert.deepEqual(await f.ids('Organization', 'name=zen'), ['org']);
    assert.deepEqual(await f.ids('Organization', 'name=acme'), ['org']);
    assert.deepEqual(await f.ids('Organization', 'phonetic=acme'), ['org']);
    assert.deepEqual(await f.ids('Organization', 'phonetic=zen'), []);
  });

  it('covers only by expression: a string parameter is never covered by a wider or unrelated one', () => {
    const c = coveredParams(definitions());
    assert.deepEqual(c.of('Patient', 'name'), ['family', 'given']);
    assert.deepEqual(c.of('Patient', 'phonetic'), ['family', 'given', 'name']);
    assert.deepEqual(c.of('Patient', 'address'), [
      'address-city',
      'address-country',
      'address-postalcode',
      'address-state',
    ]);
    assert.deepEqual(c.of('Patient', 'family'), []);
    assert.deepEqual(c.of('Organization', 'phonetic'), []);
    assert.deepEqual(c.of('Organization', 'name'), ['phonetic']);
    assert.deepEqual(c.of('Observation', 'value-string'), []);
  });
});
