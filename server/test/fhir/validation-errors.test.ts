import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

/** Bad input of every kind gets an OperationOutcome and writes nothing. */
describe('FHIR error handling', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  async function patientCount(): Promise<number> {
    const r = await s.tdb.db.query(s.tdb.tenantA, 'SELECT count(*)::int AS n FROM resource');
    return (r.rows[0] as { n: number }).n;
  }

  const cases: [string, string | object, number][] = [
    ['malformed JSON', '{"resourceType": "Patient", ', 400],
    ['a JSON array', '[1,2]', 400],
    ['no resourceType', { name: [{ family: 'X' }] }, 400],
    ['a different resourceType', { resourceType: 'Observation', status: 'final', code: { text: 'x' } }, 400],
    ['an unknown element', { resourceType: 'Patient', favouriteColour: 'blue' }, 400],
    ['a bad date', { resourceType: 'Patient', birthDate: '1980-13-45' }, 400],
    ['a wrong JSON kind', { resourceType: 'Patient', active: 'yes' }, 400],
    ['a code outside its required value set', { resourceType: 'Patient', gender: 'robot' }, 422],
    [
      'a malformed reference',
      { resourceType: 'Patient', managingOrganization: { reference: 'not a reference' } },
      400,
    ],
  ];

  for (const [what, body, status] of cases) {
    it(`rejects ${what} with ${status} and an OperationOutcome`, async () => {
      const before = await patientCount();
      const res = await s.request('POST', '/Patient', body);
      assert.ok(
        res.status === status ||
          (status === 400 && res.status === 422) ||
          (status === 422 && res.status === 400),
        `status ${res.status}`,
      );
      assert.equal(res.body.resourceType, 'OperationOutcome');
      assert.ok(res.body.issue.length > 0);
      for (const issue of res.body.issue) {
        assert.equal(typeof issue.code, 'string');
        assert.ok(['error', 'fatal'].includes(issue.severity));
      }
      assert.equal(await patientCount(), before);
    });
  }

  it('names every problem with its location and echoes no submitted value', async () => {
    const res = await s.request('POST', '/Patient', {
      resourceType: 'Patient',
      birthDate: '19801301-secret',
      gender: 'secret-gender',
      name: [{ family: 'Valid', given: [42] }],
    });
    assert.ok(res.status === 400 || res.status === 422);
    const expressions = res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    assert.ok(expressions.includes('Patient.birthDate'), JSON.stringify(expressions));
    assert.ok(expressions.includes('Patient.gender'), JSON.stringify(expressions));
    assert.ok(
      expressions.some((e: string) => e.startsWith('Patient.name[0].given')),
      JSON.stringify(expressions),
    );
    assert.ok(!res.text.includes('secret'));
  });

  it('rejects absurd nesting and oversized bodies', async () => {
    const deep = '{"resourceType":"Patient","extension":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const d = await s.request('POST', '/Patient', deep);
    assert.equal(d.status, 400);
    assert.equal(d.body.resourceType, 'OperationOutcome');
    const big = JSON.stringify({
      resourceType: 'Patient',
      text: { status: 'generated', div: 'x'.repeat(20 * 1024 * 1024) },
    });
    const b = await s.request('POST', '/Patient', big);
    assert.equal(b.status, 413);
    assert.equal(b.body.resourceType, 'OperationOutcome');
  });

  it('answers 406 when only XML is acceptable and 415 for an XML body', async () => {
    assert.equal(
      (await s.request('GET', '/metadata', undefined, { accept: 'application/fhir+xml' })).status,
      406,
    );
    const xml = await s.request('POST', '/Patient', '<Patient xmlns="http://hl7.org/fhir"/>', {
      'content-type': 'application/fhir+xml',
    });
    assert.equal(xml.status, 415);
    assert.equal(xml.body.resourceType, 'OperationOutcome');
  });

  it('rejects a bad If-Match header and a bad history _since', async () => {
    const created = (await s.request('POST', '/Patient', { resourceType: 'Patient' })).body;
    assert.equal(
      (await s.request('PUT', `/Patient/${created.id}`, created, { 'if-match': 'nonsense' })).status,
      400,
    );
    assert.equal((await s.request('GET', '/Patient/_history?_since=yesterday')).status, 400);
  });
});
