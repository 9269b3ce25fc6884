import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHURN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'heap-churn.ts');

function fullCollections(percent: number): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHURN, String(percent)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const [full, live] = out.trim().split(' ').map(Number);
  assert.equal(live, 1_000_000, 'the live set stayed reachable');
  return full ?? Number.NaN;
}

test('HEAP_GROWTH_PERCENT takes effect when set after start: a larger factor, fewer full collections', () => {
  const tight = fullCollections(10);
  const roomy = fullCollections(300);
  assert.ok(roomy >= 1, `some full collection happened (${roomy})`);
  assert.ok(roomy * 3 < tight, `300% gave ${roomy} full collections, 10% gave ${tight}`);
});
