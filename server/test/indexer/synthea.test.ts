import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { definitions } from '../../src/fhir/definitions/index.js';
import { createIndexer } from '../../src/fhir/search/indexer/index.js';

/** Third-party data: every entry of the Synthea R4 transaction bundles indexes without error. */

const DIR = '/work/shared/data/synthea-r4';
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];

test(
  'extract indexes every Synthea bundle entry',
  { skip: files.length === 0 && 'Synthea data not present' },
  () => {
    const indexer = createIndexer(definitions(), { baseUrl: 'http://localhost:8080/fhir/R4' });
    let resources = 0;
    let observations = 0;
    let rows = 0;
    for (const file of files) {
      const bundle = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as {
        entry?: { resource?: Record<string, unknown> }[];
      };
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource;
        if (!resource) continue;
        const out = indexer.extract(resource);
        resources++;
        rows += Object.values(out).reduce((n: number, t: unknown[]) => n + t.length, 0);
        if (resource.resourceType === 'Observation') {
          observations++;
          // Bundle-internal urn:uuid references (storage rewrites them to Patient/<id> before indexing).
          const subject = out.reference.filter(
            (r) => r.param === 'subject' && r.url?.startsWith('urn:uuid:'),
          );
          const patient = out.reference.filter(
            (r) => r.param === 'patient' && r.url?.startsWith('urn:uuid:'),
          );
          assert.equal(subject.length, 1, `${file} Observation ${String(resource.id)} subject`);
          assert.equal(
            patient.length,
            0,
            'urn:uuid cannot be typed, so where(resolve() is Patient) drops it',
          );
          assert.ok(out.token.some((r) => r.param === 'code' && r.code));
        }
        if (resource.resourceType === 'Patient') {
          assert.ok(out.string.some((r) => r.param === 'family'));
          assert.ok(out.date.some((r) => r.param === 'birthdate'));
        }
      }
    }
    assert.ok(resources > 1000 && observations > 100);
    console.log(`indexed ${resources} Synthea resources (${observations} Observations) into ${rows} rows`);
  },
);

test('after storage rewrites urn:uuid references, Observation.patient resolves', () => {
  const indexer = createIndexer(definitions(), { baseUrl: 'http://localhost:8080/fhir/R4' });
  const out = indexer.extract({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: { reference: 'Patient/abc' },
  });
  assert.deepEqual(
    out.reference.filter((r) => r.param === 'patient').map((r) => [r.targetType, r.targetId]),
    [['Patient', 'abc']],
  );
});
