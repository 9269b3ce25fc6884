import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityHeld, holdActivity } from '../src/auth/activity-hold.js';

describe('activity holds (a video visit keeps the session in use)', () => {
  it('is held while any hold is taken, and a release counts once', () => {
    assert.equal(activityHeld(), false);
    const first = holdActivity();
    const second = holdActivity();
    assert.equal(activityHeld(), true);
    first();
    first();
    assert.equal(activityHeld(), true, 'releasing the same hold twice does not release the other');
    second();
    assert.equal(activityHeld(), false);
  });
});
