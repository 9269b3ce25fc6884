import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RedeemedInvitation } from '../src/api/visits.js';
import { forgetGuest, rememberGuest, savedGuest } from '../src/visits/guest-resume.js';
import { MemoryStorage } from './memory-storage.js';

const invitation: RedeemedInvitation = {
  ticket: 'join-ticket',
  socketPath: '/api/visits/live',
  visitId: 'v-1',
  participantId: 'g-1',
  role: 'interpreter',
  status: 'in-progress',
};

describe('guest resume', () => {
  it('keeps the latest resume token in place of the spent ticket', () => {
    const storage = new MemoryStorage();
    assert.equal(savedGuest(storage), null);
    rememberGuest(invitation, 'resume-1', storage, 1_000);
    rememberGuest(invitation, 'resume-2', storage, 2_000);
    assert.deepEqual(savedGuest(storage, 3_000), { ...invitation, ticket: 'resume-2' });
    forgetGuest(storage);
    assert.equal(savedGuest(storage, 3_000), null);
  });

  it('forgets a place older than the server keeps resume tokens (6 h), or one it cannot read', () => {
    const storage = new MemoryStorage();
    rememberGuest(invitation, 'resume', storage, 0);
    assert.ok(savedGuest(storage, 6 * 3_600_000 - 1));
    assert.equal(savedGuest(storage, 6 * 3_600_000), null);
    assert.equal(storage.length, 0, 'an expired place is removed');
    for (const junk of ['{', '"x"', JSON.stringify({ invitation: { ticket: 1 }, savedAt: 0 })]) {
      storage.setItem('openvisit.guest.resume', junk);
      assert.equal(savedGuest(storage, 0), null, junk);
    }
  });
});
