import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

const SYNTHEA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/synthea-r4',
);

interface Entry {
  fullUrl: string;
  resource: { resourceType: string };
}

/** Third-party, real-world shaped data: every Synthea Bundle loads as a transaction and its references resolve. */
describe('Synthea R4 patient Bundles', () => {
  let s: TestServer;
  const files = fs
    .readdirSync(SYNTHEA_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  it('finds the shared data set', () => {
    assert.equal(files.length, 37);
  });

  it('loads every Bundle and resolves its urn:uuid references', async () => {
    for (const file of files) {
      const bundle = JSON.parse(fs.readFileSync(path.join(SYNTHEA_DIR, file), 'utf8')) as { entry: Entry[] };
      const res = await s.request('POST', '/', bundle, { prefer: 'return=minimal' });
      assert.equal(res.status, 200, `${file}: ${res.text.slice(0, 500)}`);
      assert.equal(res.body.entry.length, bundle.entry.length);
      for (const e of res.body.entry) assert.equal(e.response.status, '201 Created', file);

      const patientIndex = bundle.entry.findIndex((e) => e.resource.resourceType === 'Patient');
      if (patientIndex < 0) continue;
      const patientId = res.body.entry[patientIndex].response.location.split('/')[1];
      for (const type of ['Encounter', 'Observation', 'Condition']) {
        const expected = bundle.entry.filter((e) => e.resource.resourceType === type).length;
        const found = await s.request('GET', `/${type}?subject=Patient/${patientId}&_summary=count`);
        assert.equal(found.status, 200);
        assert.equal(found.body.total, expected, `${file}: ${type}`);
      }
      const encounters = await s.request('GET', `/Encounter?patient=${patientId}&_count=1`);
      const enc = encounters.body.entry?.[0]?.resource;
      if (enc) {
        assert.equal(enc.subject.reference, `Patient/${patientId}`);
        assert.match(enc.serviceProvider.reference, /^Organization\/[^/]+$/);
        const org = await s.request('GET', `/${enc.serviceProvider.reference}`);
        assert.equal(org.status, 200);
      }
    }
  });
});
