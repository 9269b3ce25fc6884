import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import { type Fixture, createFixture, pairs } from './support/setup.js';
import { rows } from './support/store.js';

let f: Fixture;

before(async () => {
  f = await createFixture();
  const A = f.t.tenantA;
  const obs = (id: string, code: string, date: string, value: string, subject: string) =>
    f.store.put(
      A,
      { resourceType: 'Observation', id },
      {
        token: [rows.tok('code', 'http://loinc.org', code), rows.tok('status', null, 'final')],
        date: [rows.date('date', date, new Date(Date.parse(date) + 1000).toISOString())],
        quantity: [rows.qty('value-quantity', value, null, null, 'kg')],
        reference: [rows.ref('subject', 'Patient', subject)],
        string: [],
      },
    );
  await obs('a', '3', '2020-01-03T00:00:00Z', '10', 'p2');
  await obs('b', '1', '2020-01-01T00:00:00Z', '30', 'p3');
  await obs('c', '2', '2020-01-02T00:00:00Z', '20', 'p1');
  await f.store.put(
    A,
    { resourceType: 'Observation', id: 'd' },
    { token: [rows.tok('status', null, 'final')] },
  );
  await f.store.put(
    A,
    { resourceType: 'RiskAssessment', id: 'r1' },
    { number: [rows.num('probability', '0.5'), rows.num('probability', '0.9')] },
  );
  await f.store.put(
    A,
    { resourceType: 'RiskAssessment', id: 'r2' },
    { number: [rows.num('probability', '0.7')] },
  );
});
after(async () => f.t.close());

describe('_sort', () => {
  it('token, date, quantity, reference; missing values last ascending, first descending', async () => {
    assert.deepEqual(await f.ids('Observation', '_sort=code'), ['b', 'c', 'a', 'd']);
    assert.deepEqual(await f.ids('Observation', '_sort=-code'), ['d', 'a', 'c', 'b']);
    assert.deepEqual(await f.ids('Observation', '_sort=date'), ['b', 'c', 'a', 'd']);
    assert.deepEqual(await f.ids('Observation', '_sort=-value-quantity'), ['d', 'b', 'c', 'a']);
    assert.deepEqual(await f.ids('Observation', '_sort=subject'), ['c', 'a', 'b', 'd']);
    assert.deepEqual(await f.ids('Observation', '_sort=status,-_id'), ['d', 'c', 'b', 'a']);
  });
  it('multi-valued: MIN ascending, MAX descending', async () => {
    assert.deepEqual(await f.ids('RiskAssessment', '_sort=probability'), ['r1', 'r2']);
    assert.deepEqual(await f.ids('RiskAssessment', '_sort=-probability'), ['r1', 'r2']);
  });
  it('rejects composite and unknown sort parameters', async () => {
    await assert.rejects(
      f.search('Observation', '_sort=code-value-quantity'),
      (e: unknown) => e instanceof FhirError && e.status === 400,
    );
  });
});

describe('findIds', () => {
  it('returns matches with rid, limited', async () => {
    const found = await f.engine.findIds(
      f.t.tenantA,
      { resourceType: 'Observation', params: pairs('status=final'), strict: true },
      { limit: 2 },
    );
    assert.equal(found.length, 2);
    assert.ok(found.every((x) => x.resourceType === 'Observation' && /^\d+$/.test(x.rid)));
    await assert.rejects(
      f.engine.findIds(
        f.t.tenantA,
        { resourceType: 'Observation', params: pairs('nope=1'), strict: true },
        { limit: 2 },
      ),
      (e: unknown) => e instanceof FhirError && e.status === 400,
    );
  });
  it('runs inside a caller transaction', async () => {
    const found = await f.t.db.transaction(f.t.tenantA, (q) =>
      f.engine.findIds(
        f.t.tenantA,
        { resourceType: 'Observation', params: pairs('code=2'), strict: true },
        { limit: 5, q },
      ),
    );
    assert.deepEqual(
      found.map((x) => x.id),
      ['c'],
    );
  });
});

describe('hostile input', () => {
  it('quotes and SQL fragments are plain values', async () => {
    for (const v of ["'; DROP TABLE resource; --", '\\', '%', "a'b", '$1', '\u0000x']) {
      const q = new URLSearchParams({ code: v, _id: v }).toString();
      const res = await f.search('Observation', q).catch((e: unknown) => e);
      if (res instanceof FhirError) assert.equal(res.status, 400);
      else if (res instanceof Error) assert.fail(`unexpected ${res.message}`);
      else assert.deepEqual((res as { entry?: unknown[] }).entry, undefined);
    }
  });
});
