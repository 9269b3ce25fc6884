import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  carryNumbers,
  JsonTooDeep,
  parseStoredJson,
  parseWithNumbers,
  scanJson,
  stringifyWithNumbers,
} from '../../src/platform/json/lossless-numbers.js';

const roundTrip = (text: string) => stringifyWithNumbers(parseWithNumbers(text, scanJson(text, 100)));

describe('lossless JSON numbers', () => {
  it('keeps the text of decimals whose precision a double would lose', () => {
    const text = '{"a":1.50,"b":[100.0,2,3.10],"c":{"d":0.000},"e":1e2,"f":-0.0,"s":"1.50"}';
    assert.equal(roundTrip(text), text);
  });

  it('takes the plain path when every number is canonical', () => {
    assert.equal(scanJson('{"a":1.5,"b":[2,3],"s":"1.50","t":"x\\"1.0"}', 100), null);
  });

  it('ignores digits inside strings, including escaped quotes', () => {
    assert.deepEqual(scanJson('{"s":"a\\"1.0\\"","n":2.50}', 100), ['2.50']);
  });

  it('rejects nesting deeper than the limit before parsing', () => {
    assert.throws(() => scanJson('['.repeat(101) + ']'.repeat(101), 100), JsonTooDeep);
    assert.equal(scanJson('['.repeat(100) + ']'.repeat(100), 100), null);
  });

  it('survives a shallow copy that re-orders top-level keys', () => {
    const parsed = parseStoredJson('{"z":1.10,"resourceType":"Observation"}') as Record<string, unknown>;
    const copy = { resourceType: parsed.resourceType, id: 'x', z: parsed.z };
    carryNumbers(parsed, copy);
    assert.equal(stringifyWithNumbers(copy), '{"resourceType":"Observation","id":"x","z":1.10}');
  });

  it('writes the double when the value was changed after parsing', () => {
    const parsed = parseStoredJson('{"v":1.50}') as { v: number };
    parsed.v = 2;
    assert.equal(stringifyWithNumbers(parsed), '{"v":2}');
  });

  it('falls back to doubles when duplicate keys make texts ambiguous', () => {
    const text = '{"a":1.0,"a":2.50}';
    assert.equal(stringifyWithNumbers(parseWithNumbers(text, scanJson(text, 10))), '{"a":2.5}');
  });

  it('cannot be tricked by a string that looks like a placeholder', () => {
    const text = '{"s":"\\u0000x:0\\u0000","n":1.50}';
    assert.equal(roundTrip(text), text);
  });
});
