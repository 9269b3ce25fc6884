import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { R4_PACKAGE_DIR } from '../../src/fhir/definitions/index.js';
import { validateResource } from '../../src/fhir/validation/index.js';
import { DEFINITION_TYPES } from '../support/official-examples.js';
import { summarize } from './issue-summary.js';

interface Rejection {
  reason: string;
  issues: string[];
}

const REJECTED = JSON.parse(
  fs.readFileSync(new URL('./rejected-examples.json', import.meta.url), 'utf8'),
) as Record<string, Rejection>;

const exampleFiles = fs
  .readdirSync(R4_PACKAGE_DIR)
  .filter((f) => f.endsWith('.json') && f !== 'package.json' && f !== 'ig-r4.json')
  .filter((f) => !DEFINITION_TYPES.has(f.slice(0, f.indexOf('-'))))
  .sort();

describe('official R4 examples', () => {
  it('finds the examples', () => {
    assert.ok(exampleFiles.length > 700, `${exampleFiles.length} examples`);
  });

  it('rejects exactly the examples listed in rejected-examples.json, with the listed issues', () => {
    const rejected: Record<string, string[]> = {};
    for (const file of exampleFiles) {
      const resource: unknown = JSON.parse(fs.readFileSync(path.join(R4_PACKAGE_DIR, file), 'utf8'));
      const issues = validateResource(resource);
      if (issues.length > 0) rejected[file] = summarize(issues);
    }
    const expected = Object.fromEntries(
      Object.entries(REJECTED).map(([file, r]) => [file, [...r.issues].sort()]),
    );
    assert.deepEqual(rejected, expected);
  });

  it('explains every listed rejection', () => {
    for (const [file, rejection] of Object.entries(REJECTED)) {
      assert.ok(rejection.reason.length > 20, file);
      assert.ok(exampleFiles.includes(file), file);
    }
  });
});
