import crypto from 'node:crypto';

/** How bearer values (tokens, codes, session, grant and launch ids) are stored: their SHA-256, never themselves. */
export function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value, 'utf8').digest();
}

/** A short, non-reversible name for a grant in access tokens and the revocation list. */
export function grantTag(grantId: string): string {
  return crypto.createHash('sha256').update(`grant:${grantId}`, 'utf8').digest('base64url').slice(0, 22);
}
