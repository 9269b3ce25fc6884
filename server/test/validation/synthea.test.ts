import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/fhir/validation/index.js';
import { summarize } from './issue-summary.js';

/** Synthea transaction Bundles shared by the team: real-world third-party data that must validate cleanly. */
const SYNTHEA_DIR = new URL('../../../../shared/data/synthea-r4/', import.meta.url);
const available = fs.existsSync(SYNTHEA_DIR);

interface BundleJson {
  resourceType: string;
  entry?: { resource?: unknown }[];
}

describe('Synthea R4 bundles', { skip: available ? false : 'shared Synthea data not present' }, () => {
  const files = available ? fs.readdirSync(SYNTHEA_DIR).filter((f) => f.endsWith('.json')) : [];

  it('validates every entry resource and every bundle cleanly', () => {
    assert.ok(files.length >= 37, `${files.length} bundles`);
    let entries = 0;
    for (const file of files) {
      const bundle = JSON.parse(fs.readFileSync(new URL(file, SYNTHEA_DIR), 'utf8')) as BundleJson;
      assert.deepEqual(summarize(validateResource(bundle)), [], file);
      for (const entry of bundle.entry ?? []) {
        entries++;
        assert.deepEqual(summarize(validateResource(entry.resource)), [], file);
      }
    }
    assert.ok(entries > 3000, `${entries} entries`);
  });
});
