import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recentPatients, rememberPatient } from '../src/ui/recent-patients.js';
import { MemoryStorage } from './memory-storage.js';

describe('recent patients', () => {
  it('keeps ids only, newest first, each once, at most eight', () => {
    const storage = new MemoryStorage();
    for (const id of ['a', 'b', 'c', 'a']) rememberPatient(id, storage);
    assert.deepEqual(recentPatients(storage), ['a', 'c', 'b']);
    for (let i = 0; i < 10; i++) rememberPatient(`p${i}`, storage);
    assert.equal(recentPatients(storage).length, 8);
    assert.equal(recentPatients(storage)[0], 'p9');
  });

  it('survives a damaged entry', () => {
    const storage = new MemoryStorage();
    storage.setItem('openvisit.recent-patients', '{not json');
    assert.deepEqual(recentPatients(storage), []);
    storage.setItem('openvisit.recent-patients', JSON.stringify(['x', 3, null]));
    assert.deepEqual(recentPatients(storage), ['x']);
  });
});
