import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Algorithm, hash, parseOptions } from '@node-rs/argon2';
import {
  DUMMY_HASH,
  PASSWORD_HASH_PARAMS,
  dummyVerify,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../../src/auth/credentials/passwords.js';

// The package's Algorithm is a const enum that is empty at run time; these are its values.
const ARGON2I = 1 as Algorithm;
const ARGON2ID = 2 as Algorithm;
const PASSPHRASE = 'violet tractor humming 1987';

describe('password hashing', () => {
  it('hashes with argon2id and the OWASP parameters, salted, and verifies the round trip', async () => {
    const h1 = await hashPassword(PASSPHRASE);
    const h2 = await hashPassword(PASSPHRASE);
    assert.match(h1, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(h1, h2, 'each hash has its own salt');
    assert.ok(!h1.includes(PASSPHRASE));
    assert.equal(await verifyPassword(h1, PASSPHRASE), true);
    assert.equal(await verifyPassword(h2, PASSPHRASE), true);
  });

  it('rejects a wrong password, including near misses', async () => {
    const h = await hashPassword(PASSPHRASE);
    for (const wrong of [
      'violet tractor humming 1988',
      'Violet tractor humming 1987',
      PASSPHRASE + ' ',
      '',
    ]) {
      assert.equal(await verifyPassword(h, wrong), false, JSON.stringify(wrong));
    }
  });

  it('answers false, never throws, for a malformed or truncated stored hash', async () => {
    const good = await hashPassword(PASSPHRASE);
    const malformed = [
      '',
      'not a hash',
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$',
      good.slice(0, -10),
      good.replace('$argon2id$', '$bcrypt$'),
      '$2b$10$abcdefghijklmnopqrstuuJ0KcCxXxDUw9p6qkQ7p2x6fE4Kk8xQK',
    ];
    for (const bad of malformed) assert.equal(await verifyPassword(bad, PASSPHRASE), false, bad);
  });

  it('normalises Unicode, so composed and decomposed accents are the same password', async () => {
    const composed = 'caf\u00e9 au lait sans sucre';
    const decomposed = 'cafe\u0301 au lait sans sucre';
    assert.notEqual(composed, decomposed);
    assert.equal(await verifyPassword(await hashPassword(composed), decomposed), true);
    assert.equal(await verifyPassword(await hashPassword(decomposed), composed), true);
    assert.equal(await verifyPassword(await hashPassword(composed), 'cafe au lait sans sucre'), false);
  });
});

describe('needsRehash', () => {
  it('is false for a hash made now and for stronger parameters', async () => {
    assert.equal(needsRehash(await hashPassword(PASSPHRASE)), false);
    const stronger = await hash(PASSPHRASE, {
      algorithm: ARGON2ID,
      memoryCost: 32768,
      timeCost: 3,
      parallelism: 1,
    });
    assert.equal(needsRehash(stronger), false);
  });

  it('is true for weaker memory, fewer passes, another algorithm, or an unparsable hash', async () => {
    const weaker = [
      { algorithm: ARGON2ID, memoryCost: 8192, timeCost: 2, parallelism: 1 },
      { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 1, parallelism: 1 },
      { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 16 },
      { algorithm: ARGON2I, memoryCost: 19456, timeCost: 2, parallelism: 1 },
    ];
    for (const options of weaker) {
      const h = await hash(PASSPHRASE, options);
      assert.equal(needsRehash(h), true, h);
      // Still a valid hash of the password: login verifies it, then upgrades it.
      assert.equal(await verifyPassword(h, PASSPHRASE), true, h);
    }
    assert.equal(needsRehash('garbage'), true);
  });
});

describe('dummyVerify', () => {
  it('always answers false, even for the empty password', async () => {
    assert.equal(await dummyVerify(PASSPHRASE), false);
    assert.equal(await dummyVerify(''), false);
  });

  it('uses a hash with exactly the current parameters, so it costs what a real verify costs', () => {
    const p = parseOptions(DUMMY_HASH);
    assert.equal(p.algorithm, ARGON2ID);
    assert.equal(p.memoryCost, PASSWORD_HASH_PARAMS.memoryCost);
    assert.equal(p.timeCost, PASSWORD_HASH_PARAMS.timeCost);
    assert.equal(p.parallelism, PASSWORD_HASH_PARAMS.parallelism);
    assert.equal(p.outputLen, PASSWORD_HASH_PARAMS.outputLen);
    assert.equal(needsRehash(DUMMY_HASH), false);
  });
});
