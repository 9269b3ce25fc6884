import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidv7 } from '../../src/platform/ids/uuid-v7.js';

describe('uuidv7', () => {
  it('is a well-formed version 7, variant 10 UUID carrying the time', () => {
    const id = uuidv7(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    assert.ok(ms >= Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  });

  it('increases strictly within this process, even inside one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    for (let i = 1; i < ids.length; i++) assert.ok((ids[i] as string) > (ids[i - 1] as string), `at ${i}`);
    assert.equal(new Set(ids).size, ids.length);
  });
});
