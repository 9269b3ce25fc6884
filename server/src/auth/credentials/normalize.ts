/**
 * The one form a password is hashed, verified and measured in.
 *
 * NIST SP 800-63B (5.1.1.2) asks verifiers to apply NFKC or NFKD before hashing: the same passphrase
 * typed on two keyboards can arrive as precomposed "é" (U+00E9) or as "e" + U+0301, and without
 * normalisation the second one would be "wrong". Both hashing and verifying go through here, so the
 * choice is made once; changing it later would lock out users whose password normalises differently.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}
