import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/api/api-error.js';
import { FhirClient } from '../src/api/fhir-client.js';

function fakeFetch(answers: (Response | Error)[]) {
  const sent: { url: string; auth: string | null }[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') });
    const next = answers.shift();
    if (!next || next instanceof Error) throw next ?? new Error('no answer');
    return next;
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const json = (status: number, body: object) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/fhir+json' } });

describe('FhirClient', () => {
  it('sends the bearer token and returns the search matches only', async () => {
    const f = fakeFetch([
      json(200, {
        resourceType: 'Bundle',
        entry: [
          { resource: { resourceType: 'Condition', id: 'c1' }, search: { mode: 'match' } },
          { resource: { resourceType: 'Patient', id: 'p1' }, search: { mode: 'include' } },
          { resource: { resourceType: 'OperationOutcome' }, search: { mode: 'outcome' } },
        ],
      }),
    ]);
    const client = new FhirClient(
      'https://h/fhir/R4',
      { token: async () => 't1', renew: async () => null },
      f.fetchImpl,
    );
    const found = await client.search('Condition', { patient: 'p1', _include: 'Condition:subject' });
    assert.deepEqual(
      found.map((r) => r.id),
      ['c1'],
    );
    assert.equal(f.sent[0]?.url, 'https://h/fhir/R4/Condition?patient=p1&_include=Condition%3Asubject');
    assert.equal(f.sent[0]?.auth, 'Bearer t1');
  });

  it('renews a refused token once and retries with the new one', async () => {
    const f = fakeFetch([json(401, {}), json(200, { resourceType: 'Patient', id: 'p1' })]);
    let renewed = 0;
    const client = new FhirClient(
      'https://h/fhir/R4',
      { token: async () => 'old', renew: async () => (renewed++, 'new') },
      f.fetchImpl,
    );
    const p = await client.read<{ resourceType: string; id: string }>('Patient/p1');
    assert.equal(p.id, 'p1');
    assert.equal(renewed, 1);
    assert.deepEqual(
      f.sent.map((s) => s.auth),
      ['Bearer old', 'Bearer new'],
    );
  });

  it('says what went wrong in terms a person can act on', async () => {
    const kinds: string[] = [];
    for (const answer of [
      json(403, {}),
      json(404, {}),
      json(422, {}),
      json(503, {}),
      json(500, {}),
      new TypeError('offline'),
    ]) {
      const f = fakeFetch([answer]);
      const client = new FhirClient(
        'https://h',
        { token: async () => 't', renew: async () => null },
        f.fetchImpl,
      );
      await client.read('Patient/x').catch((err: unknown) => {
        assert.ok(err instanceof ApiError);
        kinds.push(err.kind);
      });
    }
    assert.deepEqual(kinds, ['forbidden', 'not-found', 'invalid', 'unavailable', 'server', 'network']);
  });

  it('ends with session-expired when the session cannot be renewed or was never there', async () => {
    const f = fakeFetch([json(401, {})]);
    const client = new FhirClient(
      'https://h',
      { token: async () => 't', renew: async () => null },
      f.fetchImpl,
    );
    await assert.rejects(
      client.read('Patient/x'),
      (e: unknown) => e instanceof ApiError && e.kind === 'session-expired',
    );
    const none = new FhirClient(
      'https://h',
      { token: async () => null, renew: async () => null },
      f.fetchImpl,
    );
    await assert.rejects(
      none.read('Patient/x'),
      (e: unknown) => e instanceof ApiError && e.kind === 'session-expired',
    );
  });
});
