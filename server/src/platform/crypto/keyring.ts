import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { KeyEncryptionKey } from './envelope.js';

/**
 * Where the key-encryption keys come from:
 * - `OPENVISIT_MASTER_KEYS` = `id:base64key[,id:base64key…]`, current key first (32-byte keys;
 *   production: from the secret manager of the platform OpenVisit runs on);
 * - otherwise the file `master-keys` in the data directory, created with one fresh key on first use
 *   and readable by its owner only (a single machine, the embedded quick start).
 */
export function parseKeyring(spec: string): KeyEncryptionKey[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0) throw new Error('master keys are written id:base64key');
      const key = Buffer.from(entry.slice(i + 1), 'base64');
      if (key.length !== 32) throw new Error(`master key ${entry.slice(0, i)} is not 32 bytes`);
      return { id: entry.slice(0, i), key };
    });
  if (keys.length === 0) throw new Error('no master key given');
  return keys;
}

export function formatKeyring(keys: readonly KeyEncryptionKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

export function loadKeyring(opts: { env: NodeJS.ProcessEnv; dataDir: string }): KeyEncryptionKey[] {
  const fromEnv = opts.env.OPENVISIT_MASTER_KEYS;
  if (fromEnv) return parseKeyring(fromEnv);
  const file = path.join(opts.dataDir, 'master-keys');
  if (fs.existsSync(file)) return parseKeyring(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const keys = [{ id: `k${Date.now().toString(36)}`, key: crypto.randomBytes(32) }];
  // 'wx': two processes starting together must not both create (and one lose) a key.
  try {
    fs.writeFileSync(file, `${formatKeyring(keys)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return parseKeyring(fs.readFileSync(file, 'utf8'));
    throw err;
  }
  return keys;
}

/** A keyring with a fresh current key in front of the existing ones (older keys keep opening). */
export function rotateKeyring(keys: readonly KeyEncryptionKey[]): KeyEncryptionKey[] {
  let id = `k${Date.now().toString(36)}`;
  while (keys.some((k) => k.id === id)) id = `${id}x`;
  return [{ id, key: crypto.randomBytes(32) }, ...keys];
}
