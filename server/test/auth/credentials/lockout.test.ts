import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LOCKOUT_POLICY,
  type LoginThrottleState,
  afterFailure,
  afterSuccess,
  isLocked,
} from '../../../src/auth/credentials/lockout.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** Fails `n` times at T0, returning the state and the lock each failure set (0 for none). */
function failTimes(n: number, start: LoginThrottleState = afterSuccess()) {
  let state = start;
  const locks: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = afterFailure(state, T0);
    assert.equal(r.lockedNow, r.state.lockedUntil !== null && r.state.lockedUntil > T0);
    locks.push(r.lockedNow ? (r.state.lockedUntil?.getTime() ?? 0) - T0.getTime() : 0);
    state = r.state;
  }
  return { state, locks };
}

describe('login lockout', () => {
  it('has the documented defaults', () => {
    assert.deepEqual({ ...LOCKOUT_POLICY }, { freeAttempts: 5, baseLockMs: 60_000, maxLockMs: 3_600_000 });
    assert.deepEqual(afterSuccess(), { failures: 0, lockedUntil: null });
  });

  it('lets four failures through, and the fifth locks for the base time', () => {
    const { state: four, locks } = failTimes(4);
    assert.deepEqual(locks, [0, 0, 0, 0]);
    assert.deepEqual(four, { failures: 4, lockedUntil: null });
    assert.deepEqual(isLocked(four, T0), { locked: false, retryAfterMs: 0 });

    const fifth = afterFailure(four, T0);
    assert.equal(fifth.lockedNow, true);
    assert.deepEqual(fifth.state, { failures: 5, lockedUntil: at(60_000) });
    assert.deepEqual(isLocked(fifth.state, T0), { locked: true, retryAfterMs: 60_000 });
    assert.deepEqual(isLocked(fifth.state, at(59_999)), { locked: true, retryAfterMs: 1 });
    assert.deepEqual(isLocked(fifth.state, at(60_000)), { locked: false, retryAfterMs: 0 });
  });

  it('doubles the lock with each further failure, up to the one-hour cap', () => {
    const { locks } = failTimes(13);
    assert.deepEqual(locks, [
      0,
      0,
      0,
      0,
      60_000,
      120_000,
      240_000,
      480_000,
      960_000,
      1_920_000,
      3_600_000, // 3_840_000 capped
      3_600_000,
      3_600_000,
    ]);
    // A very long attack neither overflows nor escapes the cap.
    const r = afterFailure({ failures: 5000, lockedUntil: null }, T0);
    assert.deepEqual(r.state.lockedUntil, at(3_600_000));
  });

  it('counts from the time of the failure, after an earlier lock has expired', () => {
    const { state } = failTimes(5);
    const later = at(10 * 60_000);
    assert.equal(isLocked(state, later).locked, false);
    const r = afterFailure(state, later);
    assert.deepEqual(r.state, { failures: 6, lockedUntil: new Date(later.getTime() + 120_000) });
  });

  it('resets on success, and the next failure is free again', () => {
    const { state } = failTimes(7);
    assert.equal(isLocked(state, T0).locked, true);
    const reset = afterSuccess();
    assert.deepEqual(isLocked(reset, T0), { locked: false, retryAfterMs: 0 });
    assert.equal(afterFailure(reset, T0).lockedNow, false);
  });

  it('does not modify the state it is given', () => {
    const state: LoginThrottleState = { failures: 4, lockedUntil: null };
    afterFailure(state, T0);
    assert.deepEqual(state, { failures: 4, lockedUntil: null });
  });

  it('takes a policy override, partial or whole', () => {
    const strict = { freeAttempts: 3, baseLockMs: 1000 };
    let state = afterSuccess();
    const locks: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const r = afterFailure(state, T0, strict);
      locks.push(r.lockedNow);
      state = r.state;
    }
    assert.deepEqual(locks, [false, false, true]);
    assert.deepEqual(state.lockedUntil, at(1000));
    const capped = afterFailure({ failures: 10, lockedUntil: null }, T0, {
      ...LOCKOUT_POLICY,
      maxLockMs: 5000,
    });
    assert.deepEqual(capped.state.lockedUntil, at(5000));
  });
});
