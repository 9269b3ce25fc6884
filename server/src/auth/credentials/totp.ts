import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 time-based one-time passwords with the parameters every authenticator app supports
 * (Google Authenticator ignores anything else in the URI): HMAC-SHA1, 6 digits, 30-second steps.
 */
const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_S = 30;
export const TOTP_PERIOD_MS = PERIOD_S * 1000;
/** Steps accepted either side of the current one, for clock drift and the time it takes to type. */
const WINDOW = 1;
const CODE = /^[0-9]{6}$/;

/** A new shared secret: 20 random bytes (RFC 4226's recommended 160 bits), base32 without padding. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/…` URI an authenticator app scans from a QR code. */
export function totpUri(secret: string, opts: { issuer: string; label: string }): string {
  return new TOTP({
    issuer: opts.issuer,
    label: opts.label,
    secret: Secret.fromBase32(secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_S,
  }).toString();
}

/** The time step (RFC 6238's T) that contains `timeMs`. */
export function totpStepAt(timeMs: number): number {
  return Math.floor(timeMs / TOTP_PERIOD_MS);
}

/** The code an authenticator shows at `timeMs`. */
export function totpCodeAt(secret: string, timeMs: number): string {
  return codeForStep(Secret.fromBase32(secret), totpStepAt(timeMs));
}

function codeForStep(secret: Secret, step: number): string {
  return TOTP.generate({
    secret,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_S,
    timestamp: step * TOTP_PERIOD_MS,
  });
}

/**
 * Checks `code` against the steps around `now`. On success returns the step it matched, which the
 * caller must store as the account's `lastUsedStep`: steps at or before it are never accepted again,
 * so a code seen over someone's shoulder (or captured by a phishing proxy) cannot be used a second
 * time, nor can an older code once a newer one has been used.
 *
 * Only exactly six ASCII digits are accepted; a UI that lets users type "123 456" strips the space.
 * A secret that is not base32 throws: stored secrets come from `newTotpSecret`, so that is corruption.
 */
export function verifyTotp(
  secret: string,
  code: string,
  opts: { now?: number; lastUsedStep?: number | null } = {},
): { ok: true; step: number } | { ok: false } {
  const key = Secret.fromBase32(secret);
  if (!CODE.test(code)) return { ok: false };
  const current = totpStepAt(opts.now ?? Date.now());
  const lastUsed = opts.lastUsedStep ?? -Infinity;
  const given = Buffer.from(code);
  // Steps at or before the last used one are not even tried; each comparison is constant-time.
  for (let step = current - WINDOW; step <= current + WINDOW; step++) {
    if (step <= lastUsed) continue;
    if (crypto.timingSafeEqual(given, Buffer.from(codeForStep(key, step)))) return { ok: true, step };
  }
  return { ok: false };
}
