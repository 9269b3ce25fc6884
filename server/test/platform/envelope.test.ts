import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DecryptionError, Envelope } from '../../src/platform/crypto/envelope.js';
import {
  formatKeyring,
  loadKeyring,
  parseKeyring,
  rotateKeyring,
} from '../../src/platform/crypto/keyring.js';

const kek = (id: string) => ({ id, key: crypto.randomBytes(32) });
const CONTEXT = 'oidc-signing-key:tenant-1:kid-1';

/** Flips one bit of one base64url part of a sealed value. */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('envelope encryption', () => {
  it('seals and opens text and bytes; the same value seals differently every time', () => {
    const e = new Envelope([kek('a')]);
    const secret = '{"kty":"RSA","d":"very secret"}';
    const s1 = e.seal(secret, CONTEXT);
    const s2 = e.seal(secret, CONTEXT);
    assert.notEqual(s1, s2);
    assert.ok(!s1.includes('secret'));
    assert.equal(e.openText(s1, CONTEXT), secret);
    const bin = crypto.randomBytes(1000);
    assert.deepEqual(e.open(e.seal(bin, 'file:1'), 'file:1'), bin);
    assert.equal(e.openText(e.seal('', 'empty'), 'empty'), '');
  });

  it('refuses tampered parts, another context, another key and garbage, without leaking', () => {
    const e = new Envelope([kek('a')]);
    const sealed = e.seal('value-42', CONTEXT);
    for (const part of [2, 3, 4]) assert.throws(() => e.open(tamper(sealed, part), CONTEXT), DecryptionError);
    assert.throws(() => e.open(sealed, 'oidc-signing-key:tenant-2:kid-1'), DecryptionError);
    assert.throws(
      () => new Envelope([{ id: 'a', key: crypto.randomBytes(32) }]).open(sealed, CONTEXT),
      DecryptionError,
    );
    assert.throws(() => new Envelope([kek('b')]).open(sealed, CONTEXT), /unknown key-encryption key/);
    // A wrapped key moved under another KEK id is refused too (the id is authenticated).
    const moved = sealed.replace('ov1.a.', 'ov1.b.');
    assert.throws(
      () => new Envelope([kek('b'), { id: 'a', key: Buffer.alloc(32) }]).open(moved, CONTEXT),
      DecryptionError,
    );
    for (const junk of ['', 'ov1', 'ov2.a.x.y.z', 'ov1.a.AAAA.AAAA.AAAA', sealed.slice(0, -4)]) {
      assert.throws(
        () => e.open(junk, CONTEXT),
        (err: unknown) => err instanceof DecryptionError && !err.message.includes('value-42'),
      );
    }
  });

  it('after a rotation, old values still open, new ones use the new key, and rewrap moves them', () => {
    const old = [kek('k1')];
    const sealedOld = new Envelope(old).seal('kept', CONTEXT);
    const rotated = rotateKeyring(old);
    assert.equal(rotated.length, 2);
    assert.equal(rotated[1]?.id, 'k1');
    const e = new Envelope(rotated);
    assert.equal(e.openText(sealedOld, CONTEXT), 'kept');
    assert.ok(e.needsRewrap(sealedOld));
    const moved = e.rewrap(sealedOld, CONTEXT);
    assert.ok(!e.needsRewrap(moved));
    assert.equal(moved.split('.')[1], e.currentKeyId);
    // Once rewrapped, the old key is no longer needed.
    assert.equal(new Envelope([rotated[0] ?? kek('x')]).openText(moved, CONTEXT), 'kept');
  });

  it('checks the keyring: 32-byte keys, valid and unique ids', () => {
    assert.throws(() => new Envelope([]), /at least one/);
    assert.throws(() => new Envelope([{ id: 'a', key: crypto.randomBytes(16) }]), /32 bytes/);
    assert.throws(() => new Envelope([{ id: 'a.b', key: crypto.randomBytes(32) }]), /ids/);
    assert.throws(() => new Envelope([kek('a'), kek('a')]), /duplicate/);
  });
});

describe('keyring', () => {
  it('reads keys from the environment, current first', () => {
    const keys = [kek('new'), kek('old')];
    const parsed = parseKeyring(formatKeyring(keys));
    assert.deepEqual(
      parsed.map((k) => k.id),
      ['new', 'old'],
    );
    assert.ok(parsed[0]?.key.equals(keys[0]?.key ?? Buffer.alloc(0)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ov-keys-'));
    try {
      const fromEnv = loadKeyring({ env: { OPENVISIT_MASTER_KEYS: formatKeyring(keys) }, dataDir: dir });
      assert.equal(fromEnv[0]?.id, 'new');
      assert.equal(
        fs.existsSync(path.join(dir, 'master-keys')),
        false,
        'no file when keys come from the environment',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(() => parseKeyring('nocolon'), /id:base64key/);
    assert.throws(() => parseKeyring('a:c2hvcnQ='), /32 bytes/);
    assert.throws(() => parseKeyring(' , '), /no master key/);
  });

  it('creates a key file readable by its owner only, once, and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ov-keys-'));
    try {
      const first = loadKeyring({ env: {}, dataDir: dir });
      const file = path.join(dir, 'master-keys');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const again = loadKeyring({ env: {}, dataDir: dir });
      assert.equal(again[0]?.id, first[0]?.id);
      assert.ok(again[0]?.key.equals(first[0]?.key ?? Buffer.alloc(0)));
      const sealed = new Envelope(first).seal('survives a restart', 'ctx');
      assert.equal(new Envelope(again).openText(sealed, 'ctx'), 'survives a restart');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
