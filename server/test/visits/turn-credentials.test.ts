import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { turnCredentials } from '../../src/modules/visits/ice/index.js';

const SECRET = 'openvisit-test-secret-0123';
const USER = 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
/** 2023-11-14T22:13:20.123Z, fixed: the tests never read the clock. */
const NOW = 1_700_000_000_123;

describe('TURN REST credentials (coturn use-auth-secret)', () => {
  it('makes the username `<expiry>:<user id>` with the expiry in unix seconds', () => {
    const c = turnCredentials(SECRET, USER, 3600, NOW);
    assert.equal(c.expiresAt, 1_700_003_600);
    assert.equal(c.username, `1700003600:${USER}`);
  });

  it('signs the username with HMAC-SHA1 of the secret, base64 (a vector computed by Python hmac)', () => {
    const c = turnCredentials(SECRET, USER, 3600, NOW);
    // python3: base64.b64encode(hmac.new(secret, username, hashlib.sha1).digest())
    assert.equal(c.credential, '8acVYXpfmRoF+2iztpImi/PK36M=');
    assert.equal(c.credential, crypto.createHmac('sha1', SECRET).update(c.username).digest('base64'));
  });

  it('rounds the current time down to whole seconds before adding the lifetime', () => {
    assert.equal(turnCredentials(SECRET, USER, 60, 1_700_000_000_999).expiresAt, 1_700_000_060);
    assert.equal(turnCredentials(SECRET, USER, 60, 1_700_000_001_000).expiresAt, 1_700_000_061);
  });

  it('gives each user, secret and expiry a different credential', () => {
    const base = turnCredentials(SECRET, USER, 3600, NOW).credential;
    assert.notEqual(turnCredentials(SECRET, 'another-user', 3600, NOW).credential, base);
    assert.notEqual(turnCredentials(`${SECRET}x`, USER, 3600, NOW).credential, base);
    assert.notEqual(turnCredentials(SECRET, USER, 3601, NOW).credential, base);
  });

  it('accepts opaque ids only: no e-mail, name, phone number or separator', () => {
    for (const id of ['Patient-123', 'a.b_c-d', 'x'.repeat(128)])
      assert.doesNotThrow(() => turnCredentials(SECRET, id, 60, NOW));
    for (const id of ['jane.doe@example.com', 'Jane Doe', '+15551234567', 'a:b', '', 'x'.repeat(129), 'é'])
      assert.throws(() => turnCredentials(SECRET, id, 60, NOW), /opaque id/, id);
  });

  it('refuses an empty secret, a lifetime that is not a positive whole number, a bad clock', () => {
    assert.throws(() => turnCredentials('', USER, 60, NOW), /secret is empty/);
    for (const ttl of [0, -1, 1.5, Number.NaN])
      assert.throws(() => turnCredentials(SECRET, USER, ttl, NOW), /positive whole number/, String(ttl));
    assert.throws(() => turnCredentials(SECRET, USER, 60, Number.NaN), /finite number/);
  });
});
