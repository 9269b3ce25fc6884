import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeGcTuning, MEMORY_REDUCER_OFF } from '../../src/platform/runtime/gc-tuning.js';

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

test('the start banner says how the heap is tuned, and how to turn the memory reducer off', () => {
  const t = { heapGrowthPercent: 300, markingThreads: 1 };
  assert.equal(
    describeGcTuning(t, [MEMORY_REDUCER_OFF]),
    'growth 300%, 1 marking thread, memory reducer off',
  );
  assert.equal(
    describeGcTuning({ heapGrowthPercent: 0, markingThreads: 0 }, []),
    'growth: V8, marking threads: V8, memory reducer on (start node with --no-memory-reducer, decision 0024)',
  );
});

test('npm start and the openvisit command start node with the memory reducer off', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.match(pkg.scripts.start ?? '', /exec node --no-memory-reducer server\/bin\/openvisit\.js start/);
  const shebang = fs.readFileSync(path.join(root, 'server', 'bin', 'openvisit.js'), 'utf8').split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${MEMORY_REDUCER_OFF}`);
});
