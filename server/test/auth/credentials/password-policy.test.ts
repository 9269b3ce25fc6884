import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMON_PASSWORDS } from '../../../src/auth/credentials/common-passwords.js';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPasswordPolicy,
} from '../../../src/auth/credentials/password-policy.js';

/** `n` code points, cycling through enough distinct letters not to be repetitive or common. */
const varied = (n: number) => Array.from({ length: n }, (_, i) => 'kqjxvwzmbf'[i % 10]).join('');

describe('password policy', () => {
  it('accepts a plain passphrase: no digits, symbols or capitals required', () => {
    assert.deepEqual(checkPasswordPolicy('correct bison staple lantern', {}), []);
    assert.deepEqual(checkPasswordPolicy('lowercase words only here', { username: 'alice' }), []);
    assert.deepEqual(checkPasswordPolicy(varied(PASSWORD_MIN_LENGTH)), []);
    assert.deepEqual(checkPasswordPolicy(varied(PASSWORD_MAX_LENGTH)), []);
  });

  it('refuses fewer than 12 and more than 128 characters', () => {
    assert.equal(PASSWORD_MIN_LENGTH, 12);
    assert.equal(PASSWORD_MAX_LENGTH, 128);
    assert.deepEqual(checkPasswordPolicy(varied(11)), ['too-short']);
    assert.deepEqual(checkPasswordPolicy(''), ['too-short']);
    assert.deepEqual(checkPasswordPolicy(varied(129)), ['too-long']);
  });

  it('counts code points, not UTF-16 units, after normalisation', () => {
    const emoji = ['🦊', '🐻', '🐼', '🐨', '🐯', '🦁', '🐮', '🐷', '🐸', '🐵', '🐔', '🐧'];
    const eleven = emoji.slice(0, 11).join(''); // 22 UTF-16 units
    assert.equal(eleven.length, 22);
    assert.deepEqual(checkPasswordPolicy(eleven), ['too-short']);
    assert.deepEqual(checkPasswordPolicy(emoji.join('')), []);
    const hundred = Array.from({ length: 100 }, (_, i) => emoji[i % 12]).join(''); // 200 units
    assert.deepEqual(checkPasswordPolicy(hundred), []);
    assert.deepEqual(checkPasswordPolicy('ñandú pájaro'), []); // 12 code points
    assert.deepEqual(checkPasswordPolicy('Ελληνικά λόγια'), []);
    // "é" typed as e + combining accent is one character once normalised: 11, not 12.
    assert.deepEqual(checkPasswordPolicy('cafe\u0301 bistro'), ['too-short']);
  });

  it('refuses a password containing the username, ignoring case', () => {
    assert.deepEqual(checkPasswordPolicy('my DrSmith passphrase', { username: 'drsmith' }), [
      'contains-username',
    ]);
    assert.deepEqual(checkPasswordPolicy('the bob is in the house', { username: 'BOB' }), [
      'contains-username',
    ]);
    assert.deepEqual(
      checkPasswordPolicy('always careful here', { username: 'al' }),
      [],
      'short usernames skip',
    );
    assert.deepEqual(checkPasswordPolicy('nothing to see here', { username: 'drsmith' }), []);
  });

  it('refuses a password containing the display name or a longer part of it', () => {
    const context = { username: 'mg42', displayName: 'María  González' };
    assert.deepEqual(checkPasswordPolicy('gonzález family recipes', context), ['contains-username']);
    assert.deepEqual(checkPasswordPolicy('MaríaGonzález forever', context), ['contains-username']);
    assert.deepEqual(checkPasswordPolicy('planning a long journey', { displayName: 'Ann Lee' }), []);
    assert.deepEqual(checkPasswordPolicy('annlee plus some words', { displayName: 'Ann Lee' }), [
      'contains-username',
    ]);
  });

  it('refuses common breached passwords, whatever their case', () => {
    assert.ok(COMMON_PASSWORDS.size >= 200, `only ${COMMON_PASSWORDS.size} common passwords`);
    for (const p of COMMON_PASSWORDS) assert.equal(p, p.toLowerCase(), p);
    for (const p of ['password123456', 'Password123456', 'QWERTYUIOP12', 'iloveyou1234', '123456789012']) {
      assert.deepEqual(checkPasswordPolicy(p), ['common'], p);
    }
    assert.deepEqual(checkPasswordPolicy('password'), ['too-short', 'common']);
    assert.deepEqual(checkPasswordPolicy('password123456x'), []);
  });

  it('refuses one character repeated, or only two distinct characters', () => {
    assert.deepEqual(checkPasswordPolicy('zzzzzzzzzzzzzz'), ['repetitive']);
    assert.deepEqual(checkPasswordPolicy('abababababab'), ['repetitive']);
    assert.deepEqual(checkPasswordPolicy('🐻🐻🐻🐻🐻🐻🐻🐻🐻🐻🐻🐻'), ['repetitive']);
    assert.deepEqual(checkPasswordPolicy('zzz'), ['too-short', 'repetitive']);
    assert.deepEqual(checkPasswordPolicy('xyzxyzxyzxyz'), [], 'three distinct characters is not repetitive');
  });

  it('reports every violation, in a fixed order', () => {
    assert.deepEqual(checkPasswordPolicy('aaaaaaaaaaaa', { username: 'aaa' }), [
      'contains-username',
      'common',
      'repetitive',
    ]);
    assert.deepEqual(checkPasswordPolicy('b'.repeat(200), { username: 'bbbb' }), [
      'too-long',
      'contains-username',
      'repetitive',
    ]);
  });
});
