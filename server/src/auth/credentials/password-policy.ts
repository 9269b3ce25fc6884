import { COMMON_PASSWORDS } from './common-passwords.js';
import { normalizePassword } from './normalize.js';

/**
 * NIST SP 800-63B (5.1.1.2) style: a length floor, a generous ceiling, and a block-list of passwords
 * attackers guess first. No composition rules ("one digit, one symbol"): they push people to
 * "Password1!" without making guessing meaningfully harder, and NIST says verifiers SHALL NOT impose
 * them. Lengths are counted in Unicode code points of the normalised password (what is hashed), so a
 * passphrase in Greek or with emoji is measured the way its author sees it, not in UTF-16 units.
 */
export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase, short enough that nobody makes the server hash a megabyte. */
export const PASSWORD_MAX_LENGTH = 128;
/** Shorter usernames ("al", "jo") would refuse too many unrelated passwords. */
const MIN_CONTEXT_LENGTH = 3;
/** The display name (and each part of it) only from this length on: "Ann" is in "planning". */
const MIN_NAME_PART_LENGTH = 4;

export type PolicyViolation = 'too-short' | 'too-long' | 'contains-username' | 'common' | 'repetitive';

export interface PasswordContext {
  username?: string;
  displayName?: string;
}

/**
 * The rules `password` breaks, in a fixed order; an empty array means it is acceptable. The codes are
 * stable so the UI can word them. 'contains-username' also covers the display name (whole without
 * spaces, or any part of it, from four characters), the other thing an attacker targeting this account
 * knows.
 */
export function checkPasswordPolicy(password: string, context: PasswordContext = {}): PolicyViolation[] {
  const normalised = normalizePassword(password);
  const codePoints = [...normalised];
  const lower = normalised.toLowerCase();
  const violations: PolicyViolation[] = [];
  if (codePoints.length < PASSWORD_MIN_LENGTH) violations.push('too-short');
  if (codePoints.length > PASSWORD_MAX_LENGTH) violations.push('too-long');
  if (contextWords(context).some((word) => lower.includes(word))) violations.push('contains-username');
  if (COMMON_PASSWORDS.has(lower)) violations.push('common');
  if (codePoints.length > 0 && new Set(codePoints).size <= 2) violations.push('repetitive');
  return violations;
}

/** The lower-cased strings from the context that a password may not contain. */
function contextWords({ username, displayName }: PasswordContext): string[] {
  const words: string[] = [];
  const add = (value: string, min: number) => {
    const word = normalizePassword(value).toLowerCase();
    if ([...word].length >= min) words.push(word);
  };
  if (username) add(username.trim(), MIN_CONTEXT_LENGTH);
  if (displayName) {
    const parts = displayName.trim().split(/\s+/u);
    add(parts.join(''), MIN_NAME_PART_LENGTH);
    for (const part of parts) add(part, MIN_NAME_PART_LENGTH);
  }
  return words;
}
