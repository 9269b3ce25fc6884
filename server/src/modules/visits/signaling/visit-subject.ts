import type { VisitRef } from './types.js';

/**
 * NATS subjects are dot-separated tokens where `*` and `>` are wildcards, so an id holding `.`, `*`,
 * `>` or whitespace could publish or listen outside its visit. Ids are therefore held to a charset
 * with none of those; the error never repeats the rejected value.
 */
const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export const SIGNAL_SUBJECT_PREFIX = 'ov.signal';

export function isSafeToken(value: unknown): value is string {
  return typeof value === 'string' && SAFE_TOKEN.test(value);
}

export function assertSafeToken(value: unknown, what: string): string {
  if (!isSafeToken(value)) throw new TypeError(`${what} must be 1-64 characters of A-Z a-z 0-9 _ -`);
  return value;
}

function tenantToken(tenantId: VisitRef['tenantId']): string {
  if (typeof tenantId === 'number') {
    if (!Number.isSafeInteger(tenantId) || tenantId < 0) {
      throw new TypeError('tenantId must be a non-negative integer or a safe token');
    }
    return String(tenantId);
  }
  return assertSafeToken(tenantId, 'tenantId');
}

/** `<tenant>.<visit>`: the key of a visit's local handlers and the tail of its subject. */
export function visitKey(visit: VisitRef): string {
  if (typeof visit !== 'object' || visit === null) throw new TypeError('visit must be { tenantId, visitId }');
  return `${tenantToken(visit.tenantId)}.${assertSafeToken(visit.visitId, 'visitId')}`;
}

/** `ov.signal.<tenant>.<visit>`: one subject per visit, so a node receives only its visits. */
export function visitSubject(visit: VisitRef): string {
  return `${SIGNAL_SUBJECT_PREFIX}.${visitKey(visit)}`;
}
