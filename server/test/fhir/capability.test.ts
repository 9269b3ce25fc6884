import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { definitions } from '../../src/fhir/definitions/index.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface RestResource {
  type: string;
  interaction: { code: string }[];
  searchParam: { name: string; type: string }[];
}

describe('CapabilityStatement', () => {
  let s: TestServer;
  let resources: RestResource[];
  before(async () => {
    s = await startTestServer();
    const res = await s.request('GET', '/metadata');
    assert.equal(res.status, 200);
    assert.equal(res.body.resourceType, 'CapabilityStatement');
    assert.equal(res.body.fhirVersion, '4.0.1');
    resources = res.body.rest[0].resource;
  });
  after(async () => s.close());

  it('lists every R4 resource type from the official definitions', () => {
    assert.deepEqual(
      resources.map((r) => r.type),
      definitions().resourceTypes,
    );
    assert.ok(resources.length >= 145);
  });

  it('lists the interactions implemented, per type and for the system', async () => {
    const patient = resources.find((r) => r.type === 'Patient');
    assert.deepEqual(patient?.interaction.map((i) => i.code).sort(), [
      'create',
      'delete',
      'history-instance',
      'history-type',
      'patch',
      'read',
      'search-type',
      'update',
      'vread',
    ]);
    const system = (await s.request('GET', '/metadata')).body.rest[0].interaction.map(
      (i: { code: string }) => i.code,
    );
    assert.deepEqual(system.sort(), ['batch', 'history-system', 'search-system', 'transaction']);
  });

  it('claims only search parameters the server can evaluate', () => {
    const names = (type: string) =>
      resources.find((r) => r.type === type)?.searchParam.map((p) => p.name) ?? [];
    assert.ok(names('Patient').includes('family'));
    assert.ok(names('Patient').includes('_lastUpdated'));
    assert.ok(names('Observation').includes('code-value-quantity'));
    assert.ok(!names('Patient').includes('_text'), 'special parameters are not implemented');
    assert.ok(!names('Bundle').includes('composition'), 'an inline resource cannot be indexed');
  });

  it('every claimed parameter of every type is accepted by the search API in strict mode', async () => {
    const samples: Record<string, string> = {
      string: 'a',
      token: 'a',
      date: '2020',
      reference: 'Patient/1',
      number: '1',
      quantity: '1',
      uri: 'http://a',
      composite: 'a$a',
    };
    const defs = definitions();
    // a composite's value has one part per component, each shaped by the component's own type
    const probeValue = (type: string, name: string, paramType: string): string => {
      if (paramType !== 'composite') return samples[paramType] ?? 'a';
      const parts = defs.searchParam(type, name)?.component ?? [];
      return parts.map((c) => samples[defs.searchParamByUrl(c.definition)?.type ?? 'token'] ?? 'a').join('$');
    };
    const probes: [string, string][] = [];
    for (const r of resources) {
      for (const p of r.searchParam) {
        probes.push([r.type, `${p.name}=${encodeURIComponent(probeValue(r.type, p.name, p.type))}`]);
      }
    }
    assert.ok(probes.length > 2000, `only ${probes.length} parameters claimed`);
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < probes.length) {
          const [type, query] = probes[next++] as [string, string];
          const res = await s.request('GET', `/${type}?${query}`, undefined, { prefer: 'handling=strict' });
          if (res.status !== 200) failures.push(`${type}?${query} -> ${res.status}`);
        }
      }),
    );
    assert.deepEqual(failures, []);
  });
});
