import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import { type Bundle, type Fixture, createFixture, followLink } from './support/setup.js';
import { rows } from './support/store.js';

let f: Fixture;

async function putPatient(id: string, family: string, lastUpdated?: Date): Promise<void> {
  await f.store.put(
    f.t.tenantA,
    { resourceType: 'Patient', id, name: [{ family }] },
    { string: [rows.str('family', family)] },
    lastUpdated,
  );
}

before(async () => {
  f = await createFixture();
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < 30; i++) {
    // Families repeat so that sort ties exercise the rid tie-break; a few have no family at all.
    const id = `p${String(i).padStart(2, '0')}`;
    if (i % 10 === 9)
      await f.store.put(f.t.tenantA, { resourceType: 'Patient', id }, {}, new Date(t0 + i * 1000));
    else await putPatient(id, `fam${i % 4}`, new Date(t0 + (i % 7) * 1000));
  }
});
after(async () => f.t.close());

const link = (b: Bundle, rel: string) => b.link.find((l) => l.relation === rel)?.url;
const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource.id);

async function walk(
  query: string,
  between?: (page: number) => Promise<void>,
): Promise<{ pages: string[][]; last: Bundle }> {
  const pages: string[][] = [];
  let b = await f.search('Patient', query);
  pages.push(ids(b));
  for (let n = 1; link(b, 'next') && n < 100; n++) {
    if (between) await between(n);
    b = await f.search('Patient', followLink(link(b, 'next') ?? ''));
    pages.push(ids(b));
  }
  return { pages, last: b };
}

describe('paging', () => {
  for (const sort of [
    '',
    '_sort=family',
    '_sort=-family',
    '_sort=_lastUpdated,-_id',
    '_sort=-_lastUpdated',
    '_sort=family,-_lastUpdated',
  ]) {
    it(`forward and back agree with one big page (${sort || 'default'})`, async () => {
      const whole = ids(await f.search('Patient', `${sort}&_count=100`));
      assert.equal(whole.length, 30);
      const { pages, last } = await walk(`${sort}&_count=7`);
      assert.deepEqual(pages.flat(), whole);
      assert.deepEqual(
        pages.map((p) => p.length),
        [7, 7, 7, 7, 2],
      );
      // Walk back from the last page with previous links.
      const back: string[][] = [];
      let b = last;
      while (link(b, 'previous')) {
        b = await f.search('Patient', followLink(link(b, 'previous') ?? ''));
        back.unshift(ids(b));
      }
      assert.deepEqual([...back.flat(), ...pages[pages.length - 1]!], whole);
    });
  }

  it('sort order is right for family (missing last ascending, first descending)', async () => {
    const b = await f.search('Patient', '_sort=family&_count=100&_elements=name');
    const fams = (b.entry ?? []).map(
      (e) => (e.resource.name as { family: string }[] | undefined)?.[0]?.family ?? null,
    );
    const present = fams.filter((x) => x !== null);
    assert.deepEqual(present, [...present].sort());
    assert.deepEqual(fams.slice(-3), [null, null, null]);
    const d = await f.search('Patient', '_sort=-family&_count=100&_elements=name');
    assert.equal((d.entry?.[0]?.resource.name as unknown) ?? null, null);
  });

  it('no duplicates or skips while others insert and delete', async () => {
    const before = new Set(ids(await f.search('Patient', '_sort=family&_count=100')));
    const deleted = new Set<string>();
    const inserted = new Set<string>();
    const { pages } = await walk('_sort=family&_count=5', async (n) => {
      // Insert rows sorting before and after the cursor, delete one not yet seen and one already seen.
      await putPatient(`new-a${n}`, 'fam0');
      await putPatient(`new-z${n}`, 'zzz');
      inserted.add(`new-a${n}`).add(`new-z${n}`);
      const victim = n === 2 ? 'p29' : n === 3 ? 'p00' : undefined;
      if (victim) {
        await f.store.delete(f.t.tenantA, 'Patient', victim);
        deleted.add(victim);
      }
    });
    const seen = pages.flat();
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    for (const id of before) if (!deleted.has(id)) assert.ok(seen.includes(id), `${id} not skipped`);
    assert.ok(!seen.includes('p29'), 'deleted before reached is not returned');
    for (const id of seen) assert.ok(before.has(id) || inserted.has(id));
    for (const id of [...inserted]) await f.store.delete(f.t.tenantA, 'Patient', id);
    await putPatient('p00', 'fam0');
    await f.store.put(f.t.tenantA, { resourceType: 'Patient', id: 'p29' }, {});
  });

  it('rejects tampered or foreign cursors with 400', async () => {
    const b = await f.search('Patient', '_count=5');
    const next = followLink(link(b, 'next') ?? '');
    const cursor = new URLSearchParams(next).get('_cursor') ?? '';
    const bad = (q: string) =>
      assert.rejects(f.search('Patient', q), (e: unknown) => e instanceof FhirError && e.status === 400);
    await bad(`_count=5&_cursor=${cursor.slice(0, -2)}xx`);
    await bad(`_count=5&_cursor=garbage`);
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify(['n', '1', []])).toString('base64url');
    assert.notEqual(forged, payload);
    await bad(`_count=5&_cursor=${forged}.${mac}`);
    // A cursor is bound to its search: it cannot be replayed with other parameters.
    await bad(`_count=5&family=x&_cursor=${cursor}`);
    // Page size may change between pages.
    assert.equal(ids(await f.search('Patient', `_count=3&_cursor=${cursor}`)).length, 3);
  });

  it('_count bounds and totals', async () => {
    const zero = await f.search('Patient', '_count=0');
    assert.equal(zero.total, 30);
    assert.equal(zero.entry, undefined);
    assert.equal((await f.search('Patient', '_summary=count')).total, 30);
    const first = await f.search('Patient', '_count=5');
    assert.equal(first.total, undefined, 'no total by default when more pages follow');
    assert.equal((await f.search('Patient', '_count=5&_total=accurate')).total, 30);
    const est = await f.search('Patient', '_count=5&_total=estimate');
    assert.equal(typeof est.total, 'number');
    assert.equal((await f.search('Patient', '_count=100&_total=none')).total, undefined);
    assert.equal(ids(await f.search('Patient', '_count=5000')).length, 30);
    await assert.rejects(
      f.search('Patient', '_count=-1'),
      (e: unknown) => e instanceof FhirError && e.status === 400,
    );
    await assert.rejects(
      f.search('Patient', '_count=abc'),
      (e: unknown) => e instanceof FhirError && e.status === 400,
    );
  });
});
