/**
 * Lockout with exponential backoff after repeated failed logins, as a pure function of the stored
 * state: the caller keeps `LoginThrottleState` per account (in the database, so every instance sees
 * it) and passes the clock in.
 *
 * Flow: `isLocked` first; while locked, refuse *without* checking the password (otherwise the lock
 * would still let an attacker learn whether a guess was right) and without calling `afterFailure`.
 * Otherwise verify, then store `afterFailure` or `afterSuccess`.
 *
 * Failures are only reset by a successful login, never by time: after a lock expires the next failure
 * locks for twice as long. The cap keeps a stranger who knows a username from locking its owner out
 * for more than an hour at a time (NIST 800-63B 5.2.2 warns against unbounded lockout).
 */

export interface LoginThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

export interface LockoutPolicy {
  /** Failed attempts that can be made back to back; the failure that uses up the last one locks. */
  readonly freeAttempts: number;
  /** The first lock. Each further failure doubles it. */
  readonly baseLockMs: number;
  /** No lock is longer than this. */
  readonly maxLockMs: number;
}

export const LOCKOUT_POLICY: LockoutPolicy = Object.freeze({
  freeAttempts: 5,
  baseLockMs: 60_000,
  maxLockMs: 3_600_000,
});

export function isLocked(state: LoginThrottleState, now: Date): { locked: boolean; retryAfterMs: number } {
  const remaining = state.lockedUntil ? state.lockedUntil.getTime() - now.getTime() : 0;
  return remaining > 0 ? { locked: true, retryAfterMs: remaining } : { locked: false, retryAfterMs: 0 };
}

/** The lock that failure number `failures` (1-based) starts, or 0 when it is still a free attempt. */
export function lockDurationMs(failures: number, policy: Partial<LockoutPolicy> = {}): number {
  const { freeAttempts, baseLockMs, maxLockMs } = { ...LOCKOUT_POLICY, ...policy };
  if (failures < freeAttempts) return 0;
  // 2 ** large is Infinity, and min() turns that into the cap, so a long attack cannot overflow.
  return Math.min(baseLockMs * 2 ** (failures - freeAttempts), maxLockMs);
}

export function afterFailure(
  state: LoginThrottleState,
  now: Date,
  policy: Partial<LockoutPolicy> = {},
): { state: LoginThrottleState; lockedNow: boolean } {
  const failures = state.failures + 1;
  const lockMs = lockDurationMs(failures, policy);
  if (lockMs <= 0) return { state: { failures, lockedUntil: state.lockedUntil }, lockedNow: false };
  return { state: { failures, lockedUntil: new Date(now.getTime() + lockMs) }, lockedNow: true };
}

/** The state after a successful login, and the one a new account starts with. */
export function afterSuccess(): LoginThrottleState {
  return { failures: 0, lockedUntil: null };
}
