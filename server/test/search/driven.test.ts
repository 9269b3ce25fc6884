import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StatementNames } from '../../src/fhir/search/query/statement-names.js';
import { type Bundle, type Fixture, createFixture, followLink, pairs } from './support/setup.js';
import { rows } from './support/store.js';

// Searches that start from a selective condition (`_id`, a reference, an identifier, a string) run
// as prepared fixed-order plans (page-sql.ts, driver.ts). Adding any `_sort` sends the same search
// down the planner-chosen path, which the other search tests cover: the two must agree.

const LOINC = 'http://loinc.org';
const MRN = 'urn:oid:1.2.3.4';
const PATIENTS = 12;
let f: Fixture;

const pid = (i: number) => `p${String(i).padStart(2, '0')}`;

before(async () => {
  f = await createFixture();
  const A = f.t.tenantA;
  for (let i = 0; i < PATIENTS; i++) {
    // Two names that share a prefix: a `name=dup` search meets every patient twice in idx_string.
    const family = i % 3 === 0 ? 'Dupont' : `Fam${i}`;
    await f.store.put(
      A,
      { resourceType: 'Patient', id: pid(i), name: [{ family, given: ['Dupa'] }] },
      {
        string: [rows.str('family', family), rows.str('name', family), rows.str('name', 'Dupa')],
        token: [
          rows.tok('identifier', MRN, `mrn-${i}`),
          rows.tok('gender', 'http://hl7.org/fhir/administrative-gender', i % 2 ? 'male' : 'female'),
        ],
      },
    );
  }
  // Tenant B has the same identifiers and names: none of it may show up in tenant A's answers.
  for (let i = 0; i < 3; i++) {
    await f.store.put(
      f.t.tenantB,
      { resourceType: 'Patient', id: `b${i}`, name: [{ family: 'Dupont' }] },
      {
        string: [rows.str('family', 'Dupont'), rows.str('name', 'Dupont')],
        token: [rows.tok('identifier', MRN, `mrn-${i}`)],
      },
    );
  }
  let n = 0;
  for (let i = 0; i < PATIENTS; i++) {
    for (let k = 0; k < 6; k++) {
      const code = k % 2 ? '8867-4' : '8480-6';
      const day = `2020-0${1 + (k % 6)}-1${k % 3}`;
      const refs = [rows.ref('subject', 'Patient', pid(i)), rows.ref('patient', 'Patient', pid(i))];
      // Every fifth observation also names a performer, for :missing.
      if (n % 5 === 0) refs.push(rows.ref('performer', 'Practitioner', 'dr1'));
      await f.store.put(
        A,
        { resourceType: 'Observation', id: `o${n++}`, status: 'final' },
        {
          token: [
            rows.tok('code', LOINC, code),
            rows.tok('status', 'http://hl7.org/fhir/observation-status', 'final'),
          ],
          reference: refs,
          date: [rows.date('date', `${day}T08:00:00Z`, `${day}T08:00:00.001Z`)],
        },
      );
    }
  }
});
after(async () => f.t.close());

const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource.id);
const link = (b: Bundle, rel: string) => b.link.find((l) => l.relation === rel)?.url;
const sorted = (xs: string[]) => [...xs].sort();

/** The same search down both paths: fixed-order (no sort) and planner-chosen (sorted). */
async function bothPaths(type: string, query: string): Promise<{ driven: string[]; planned: string[] }> {
  const driven = ids(await f.search(type, `${query}&_count=1000`, { strict: true }));
  const planned = ids(await f.search(type, `${query}&_count=1000&_sort=_lastUpdated`, { strict: true }));
  return { driven, planned };
}

describe('fixed-order search plans', () => {
  const cases: [string, string, number][] = [
    ['Observation', `patient=Patient/${pid(1)}&code=${LOINC}|8867-4&date=ge2020-02-01&date=lt2020-06-01`, 2],
    ['Observation', `subject=${pid(2)}`, 6],
    ['Observation', `patient=Patient/${pid(1)},Patient/${pid(2)}&code=8480-6`, 6],
    ['Observation', `patient=Patient/${pid(3)}&performer:missing=false`, 1],
    ['Observation', `patient=Patient/${pid(3)}&performer:missing=true`, 5],
    ['Observation', `patient=Patient/${pid(4)}&code:not=8867-4`, 3],
    ['Observation', `patient=Patient/${pid(4)}&_lastUpdated=gt2000-01-01`, 6],
    ['Observation', `patient=Patient/${pid(4)}&_id=o24,o25,o99`, 2],
    ['Observation', `patient=Patient/${pid(5)}&patient.identifier=${MRN}|mrn-5`, 6],
    ['Observation', `patient=Patient/${pid(5)}&patient.identifier=${MRN}|mrn-6`, 0],
    ['Patient', `identifier=${MRN}|mrn-3,${MRN}|mrn-4`, 2],
    ['Patient', `identifier=${MRN}|mrn-3&gender=male`, 1],
    ['Patient', `name=dup`, PATIENTS],
    ['Patient', `family=dupont&gender=female`, 2],
    ['Patient', `_id=${pid(0)},${pid(6)}&name=dupo`, 2],
    ['Patient', `name=dupo&_has:Observation:patient:code=8867-4`, 4],
    ['Patient', `name=zzz`, 0],
  ];
  for (const [type, query, expected] of cases) {
    it(`${type}?${query} agrees with the planner's path`, async () => {
      const { driven, planned } = await bothPaths(type, query);
      assert.equal(driven.length, expected, `match count: ${driven.join(',')}`);
      assert.deepEqual(sorted(driven), sorted(planned));
      assert.equal(new Set(driven).size, driven.length, 'each resource once');
    });
  }

  it('pages forward and back in creation order when resources have several driving rows', async () => {
    const whole = ids(await f.search('Patient', 'name=dup&_count=100'));
    assert.deepEqual(
      whole,
      Array.from({ length: PATIENTS }, (_, i) => pid(i)),
    );
    const pages: string[][] = [];
    let b = await f.search('Patient', 'name=dup&_count=5');
    pages.push(ids(b));
    for (let n = 0; link(b, 'next') && n < 10; n++) {
      b = await f.search('Patient', followLink(link(b, 'next') ?? ''));
      pages.push(ids(b));
    }
    assert.deepEqual(pages, [whole.slice(0, 5), whole.slice(5, 10), whole.slice(10)]);
    const back: string[][] = [];
    for (let n = 0; link(b, 'previous') && n < 10; n++) {
      b = await f.search('Patient', followLink(link(b, 'previous') ?? ''));
      back.unshift(ids(b));
    }
    assert.deepEqual(back, [whole.slice(0, 5), whole.slice(5, 10)]);
  });

  it('keeps tenants apart', async () => {
    assert.deepEqual(await f.ids('Patient', `identifier=${MRN}|mrn-1`), [pid(1)]);
    assert.deepEqual(sorted(await f.ids('Patient', 'family=dupont', { tenant: f.t.tenantB })), [
      'b0',
      'b1',
      'b2',
    ]);
  });

  it('a prepared plan stays right as values change (custom plans first, then the generic one)', async () => {
    await f.t.db.withTenant(f.t.tenantA, async (q) => {
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < PATIENTS; i++) {
          const found = await f.engine.findIds(
            f.t.tenantA,
            {
              resourceType: 'Observation',
              params: pairs(`patient=Patient/${pid(i)}&code=8867-4`),
              strict: true,
            },
            { limit: 100, q },
          );
          assert.deepEqual(
            found.map((r) => r.id),
            [1, 3, 5].map((k) => `o${i * 6 + k}`),
          );
        }
      }
      // On this one connection, PostgreSQL switched the statement to its generic plan.
      const res = await q.query<{ generic: string }>(
        `SELECT sum(generic_plans)::text AS generic FROM pg_prepared_statements WHERE name LIKE 'fhir_search_%'`,
      );
      assert.ok(Number(res.rows[0]?.generic) > 0, 'the generic plan ran');
    });
  });
});

describe('StatementNames', () => {
  it('names a text the same way in every instance, and stops naming at its bound', () => {
    const a = new StatementNames(2);
    const b = new StatementNames(2);
    const n1 = a.nameFor('SELECT 1');
    assert.match(n1 ?? '', /^fhir_search_[\w-]{24}$/);
    assert.equal(a.nameFor('SELECT 1'), n1);
    assert.equal(b.nameFor('SELECT 1'), n1);
    assert.notEqual(a.nameFor('SELECT 2'), n1);
    assert.equal(a.nameFor('SELECT 3'), undefined);
    assert.equal(a.nameFor('SELECT 1'), n1, 'names already given stay');
  });
});
