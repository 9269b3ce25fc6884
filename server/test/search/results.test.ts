import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Bundle, type Fixture, createFixture } from './support/setup.js';
import { rows } from './support/store.js';

let f: Fixture;

before(async () => {
  f = await createFixture();
  const A = f.t.tenantA;
  const put = f.store.put.bind(f.store);
  await put(A, { resourceType: 'Practitioner', id: 'dr' }, { string: [rows.str('name', 'Who')] });
  await put(A, { resourceType: 'Practitioner', id: 'gone' }, {});
  await f.store.delete(A, 'Practitioner', 'gone');
  await put(
    A,
    {
      resourceType: 'Patient',
      id: 'p1',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">p1</div>' },
      gender: 'male',
      contact: [{ name: { family: 'Kin' } }],
      link: [{ other: { reference: 'Patient/p2' }, type: 'seealso' }],
    },
    {
      string: [rows.str('family', 'One')],
      reference: [rows.ref('general-practitioner', 'Practitioner', 'dr'), rows.ref('link', 'Patient', 'p2')],
    },
  );
  await put(
    A,
    { resourceType: 'Patient', id: 'p2' },
    {
      string: [rows.str('family', 'Two')],
      reference: [rows.ref('general-practitioner', 'Practitioner', 'gone')],
    },
  );
  for (const [id, subject] of [
    ['o1', 'p1'],
    ['o2', 'p1'],
    ['o3', 'p2'],
  ] as const) {
    await put(
      A,
      { resourceType: 'Observation', id, status: 'final', code: { text: 'x' } },
      {
        reference: [
          rows.ref('subject', 'Patient', subject),
          rows.ref('patient', 'Patient', subject),
          rows.ref('performer', 'Practitioner', 'dr'),
        ],
      },
    );
  }
  await put(
    A,
    { resourceType: 'Encounter', id: 'e1' },
    { reference: [rows.ref('subject', 'Patient', 'p1')] },
  );
});
after(async () => f.t.close());

const entries = (b: Bundle, mode: string) =>
  (b.entry ?? [])
    .filter((e) => e.search.mode === mode)
    .map((e) => `${e.resource.resourceType}/${e.resource.id}`)
    .sort();

describe('_include and _revinclude', () => {
  it('includes targets once, with mode include', async () => {
    const b = await f.search('Observation', '_include=Observation:subject');
    assert.deepEqual(entries(b, 'match'), ['Observation/o1', 'Observation/o2', 'Observation/o3']);
    assert.deepEqual(entries(b, 'include'), ['Patient/p1', 'Patient/p2']);
  });
  it('target type restriction and *', async () => {
    assert.deepEqual(
      entries(await f.search('Observation', '_include=Observation:subject:Group'), 'include'),
      [],
    );
    assert.deepEqual(
      entries(await f.search('Observation', '_include=Observation:subject:Patient'), 'include'),
      ['Patient/p1', 'Patient/p2'],
    );
    assert.deepEqual(entries(await f.search('Observation', '_id=o1&_include=Observation:*'), 'include'), [
      'Patient/p1',
      'Practitioner/dr',
    ]);
    assert.deepEqual(entries(await f.search('Observation', '_id=o1&_include=*'), 'include'), [
      'Patient/p1',
      'Practitioner/dr',
    ]);
  });
  it('revinclude', async () => {
    const b = await f.search(
      'Patient',
      '_id=p1&_revinclude=Observation:subject&_revinclude=Encounter:subject',
    );
    assert.deepEqual(entries(b, 'match'), ['Patient/p1']);
    assert.deepEqual(entries(b, 'include'), ['Encounter/e1', 'Observation/o1', 'Observation/o2']);
  });
  it(':iterate follows included resources; deleted targets are skipped', async () => {
    const plain = await f.search(
      'Observation',
      '_id=o3&_include=Observation:subject&_include=Patient:general-practitioner',
    );
    assert.deepEqual(entries(plain, 'include'), ['Patient/p2']);
    const it1 = await f.search(
      'Observation',
      '_include=Observation:subject&_include:iterate=Patient:general-practitioner',
    );
    assert.deepEqual(entries(it1, 'include'), ['Patient/p1', 'Patient/p2', 'Practitioner/dr']);
  });
  it('never repeats a match as an include', async () => {
    const b = await f.search('Patient', '_include=Patient:link');
    assert.deepEqual(entries(b, 'match'), ['Patient/p1', 'Patient/p2']);
    assert.deepEqual(entries(b, 'include'), []);
  });
});

describe('_summary and _elements', () => {
  const p1 = async (q: string) => {
    const b = await f.search('Patient', `_id=p1&${q}`);
    return b.entry?.[0]?.resource as unknown as Record<string, unknown> & {
      meta: { tag?: { code: string }[] };
    };
  };
  it('_summary=true keeps summary elements and tags SUBSETTED', async () => {
    const r = await p1('_summary=true');
    assert.equal(r.gender, 'male');
    assert.ok(r.link, 'link is a summary element');
    assert.equal(r.text, undefined);
    assert.equal(r.contact, undefined);
    assert.ok(r.meta.tag?.some((t) => t.code === 'SUBSETTED'));
  });
  it('_summary=text, data, false', async () => {
    const text = await p1('_summary=text');
    assert.ok(text.text);
    assert.equal(text.gender, undefined);
    assert.ok(text.meta && text.id);
    const data = await p1('_summary=data');
    assert.equal(data.text, undefined);
    assert.ok(data.contact);
    const full = await p1('_summary=false');
    assert.ok(full.text && full.contact);
    assert.equal(full.meta.tag, undefined);
  });
  it('_elements keeps the listed and mandatory elements', async () => {
    const r = await p1('_elements=gender,contact');
    assert.deepEqual(Object.keys(r).sort(), ['contact', 'gender', 'id', 'meta', 'resourceType']);
    assert.ok(r.meta.tag?.some((t) => t.code === 'SUBSETTED'));
    const o = (await f.search('Observation', '_id=o1&_elements=subject')).entry?.[0]?.resource;
    // status and code are mandatory on Observation.
    assert.deepEqual(Object.keys(o ?? {}).sort(), ['code', 'id', 'meta', 'resourceType', 'status']);
  });
});
