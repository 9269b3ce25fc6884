import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { normalizePassword } from './normalize.js';

/**
 * `Algorithm` is a `const enum` in the package's typings, but the native module exports it as an empty
 * object and `isolatedModules` forbids inlining ambient const enums, so `Algorithm.Argon2id` would be
 * `undefined` at run time. The numbers are those of the d.ts.
 */
const ARGON2ID = 2 as Algorithm;
/** Argon2 version 0x13 (19), the current one; 0x10 is the old, weaker one. */
const VERSION_0X13 = 1;

/**
 * OWASP's Password Storage Cheat Sheet argon2id minimum: 19 MiB, 2 passes, 1 lane. About 20–40 ms per
 * hash on a server core, which is what bounds how many logins one instance can check per second.
 */
export const PASSWORD_HASH_PARAMS = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/** Hashes with argon2id and the current parameters; returns the PHC string (`$argon2id$v=19$m=…`). */
export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), { algorithm: ARGON2ID, ...PASSWORD_HASH_PARAMS });
}

/**
 * True when `password` matches `hash`. A malformed or truncated stored hash is a failed login, not a
 * server error, so this never throws.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await verify(hash, normalizePassword(password));
  } catch {
    return false;
  }
}

/**
 * True when `hash` was made with weaker settings than today's (another algorithm, the old version, less
 * memory, fewer passes, a shorter output), so the login that just verified the password can store a
 * fresh hash. Stronger settings are left alone: rehashing them would be a downgrade. A hash that
 * cannot be parsed also needs replacing.
 */
export function needsRehash(hash: string): boolean {
  let p;
  try {
    p = parseOptions(hash);
  } catch {
    return true;
  }
  return (
    p.algorithm !== ARGON2ID ||
    p.version !== VERSION_0X13 ||
    p.memoryCost < PASSWORD_HASH_PARAMS.memoryCost ||
    p.timeCost < PASSWORD_HASH_PARAMS.timeCost ||
    p.outputLen < PASSWORD_HASH_PARAMS.outputLen
  );
}

/**
 * A hash of a random value nobody knows, made with PASSWORD_HASH_PARAMS (a test keeps the two in
 * step: if the parameters change, this must be regenerated or unknown usernames answer faster).
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$KGExecFlkiZa7V5l8PPi2g$XU7sA+RJeGNorfKlGK3Qjl/iRLKvM86Fd1AMb4twS4w';

/**
 * Spends the same work as a real verify and always answers false. Login calls this when the username
 * is unknown, so that "no such user" takes as long as "wrong password" and response times do not tell
 * an attacker which usernames exist. Typical use:
 * `const ok = user ? await verifyPassword(user.hash, pw) : await dummyVerify(pw);`
 */
export async function dummyVerify(password: string): Promise<false> {
  await verifyPassword(DUMMY_HASH, password);
  return false;
}
