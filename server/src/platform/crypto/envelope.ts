import crypto from 'node:crypto';

/**
 * Envelope encryption with AES-256-GCM. Each value gets its own random data key, which is itself
 * encrypted ("wrapped") by a key-encryption key from the keyring. Rotating the key-encryption key
 * then means re-wrapping small data keys, not re-encrypting the data, and one leaked data key
 * exposes one value only.
 *
 * Sealed form (text, safe in a database column or a file):
 *   ov1.<kek id>.<wrapped data key>.<nonce>.<ciphertext>   — base64url parts; the wrapped data key
 *   and the ciphertext each end with their 16-byte GCM tag.
 * `context` is authenticated but not stored: a value sealed for one purpose (say a signing key of
 * one tenant) cannot be opened as another.
 */

const VERSION = 'ov1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(reason: string) {
    // Never the value or the key: only why it could not be opened.
    super(`cannot decrypt: ${reason}`);
  }
}

export interface KeyEncryptionKey {
  /** Short stable name, stored with every value it wraps: `[A-Za-z0-9_-]{1,32}`. */
  id: string;
  key: Buffer;
}

const ID = /^[A-Za-z0-9_-]{1,32}$/;

function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): { nonce: Buffer; sealed: Buffer } {
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, sealed };
}

function gcmOpen(key: Buffer, nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) throw new DecryptionError('malformed');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication failed');
  }
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Encrypts and decrypts values under a keyring: the first key seals, every key can open. */
export class Envelope {
  private readonly byId: Map<string, Buffer>;
  private readonly current: KeyEncryptionKey;

  constructor(keyring: readonly KeyEncryptionKey[]) {
    const first = keyring[0];
    if (!first) throw new Error('the keyring needs at least one key-encryption key');
    for (const k of keyring) {
      if (!ID.test(k.id)) throw new Error('key-encryption key ids are 1-32 of [A-Za-z0-9_-]');
      if (k.key.length !== KEY_BYTES) throw new Error('key-encryption keys are 32 bytes (AES-256)');
    }
    this.byId = new Map(keyring.map((k) => [k.id, k.key]));
    if (this.byId.size !== keyring.length) throw new Error('duplicate key-encryption key id');
    this.current = first;
  }

  /** The id of the key that seals new values. */
  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: Buffer | string, context: string): string {
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const dataKey = crypto.randomBytes(KEY_BYTES);
    try {
      // The wrapped key is bound to its KEK id and context; the data to the wrapped key as well.
      const wrapAad = Buffer.from(`${VERSION}|wrap|${this.current.id}|${context}`, 'utf8');
      const wrapped = gcmSeal(this.current.key, dataKey, wrapAad);
      const wrappedKey = Buffer.concat([wrapped.nonce, wrapped.sealed]);
      const body = gcmSeal(dataKey, data, dataAad(this.current.id, wrappedKey, context));
      return [VERSION, this.current.id, b64(wrappedKey), b64(body.nonce), b64(body.sealed)].join('.');
    } finally {
      dataKey.fill(0);
    }
  }

  open(sealed: string, context: string): Buffer {
    const { kekId, wrappedKey, nonce, body } = parse(sealed);
    const kek = this.byId.get(kekId);
    if (!kek) throw new DecryptionError('unknown key-encryption key');
    const wrapAad = Buffer.from(`${VERSION}|wrap|${kekId}|${context}`, 'utf8');
    const dataKey = gcmOpen(
      kek,
      wrappedKey.subarray(0, NONCE_BYTES),
      wrappedKey.subarray(NONCE_BYTES),
      wrapAad,
    );
    try {
      return gcmOpen(dataKey, nonce, body, dataAad(kekId, wrappedKey, context));
    } finally {
      dataKey.fill(0);
    }
  }

  openText(sealed: string, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }

  /** True when `sealed` was wrapped by an older key and should be re-sealed (see `rewrap`). */
  needsRewrap(sealed: string): boolean {
    return parse(sealed).kekId !== this.current.id;
  }

  /** The same value sealed under the current key-encryption key (after a rotation). */
  rewrap(sealed: string, context: string): string {
    const plain = this.open(sealed, context);
    try {
      return this.seal(plain, context);
    } finally {
      plain.fill(0);
    }
  }
}

function dataAad(kekId: string, wrappedKey: Buffer, context: string): Buffer {
  return Buffer.concat([Buffer.from(`${VERSION}|data|${kekId}|${context}|`, 'utf8'), wrappedKey]);
}

function parse(sealed: string): { kekId: string; wrappedKey: Buffer; nonce: Buffer; body: Buffer } {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new DecryptionError('not a sealed value');
  const [, kekId = '', wk = '', n = '', c = ''] = parts;
  if (!ID.test(kekId)) throw new DecryptionError('malformed');
  const wrappedKey = Buffer.from(wk, 'base64url');
  if (wrappedKey.length !== NONCE_BYTES + KEY_BYTES + TAG_BYTES) throw new DecryptionError('malformed');
  return { kekId, wrappedKey, nonce: Buffer.from(n, 'base64url'), body: Buffer.from(c, 'base64url') };
}
