import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityRenews, idlePhase, warningLeadMs } from '../src/auth/idle-clock.js';

const MIN = 60_000;

describe('the idle clock', () => {
  it('is active until the last minute, warns in it and expires at the deadline', () => {
    const idle = 15 * MIN;
    const deadline = 1_000_000 + idle;
    assert.deepEqual(idlePhase(deadline, idle, 1_000_000), { phase: 'active', secondsLeft: 900 });
    assert.equal(idlePhase(deadline, idle, deadline - MIN - 1).phase, 'active');
    assert.deepEqual(idlePhase(deadline, idle, deadline - MIN), { phase: 'warning', secondsLeft: 60 });
    assert.deepEqual(idlePhase(deadline, idle, deadline - 1), { phase: 'warning', secondsLeft: 1 });
    assert.deepEqual(idlePhase(deadline, idle, deadline), { phase: 'expired', secondsLeft: 0 });
  });

  it('warns for half the idle time when that is less than a minute', () => {
    assert.equal(warningLeadMs(15 * MIN), MIN);
    assert.equal(warningLeadMs(40_000), 20_000);
  });

  it('renews on activity at most about once a minute', () => {
    assert.equal(activityRenews(0, 15 * MIN, 59_999), false);
    assert.equal(activityRenews(0, 15 * MIN, MIN), true);
    assert.equal(activityRenews(0, 2 * MIN, 30_000), true, 'a quarter of a short idle time');
  });
});
