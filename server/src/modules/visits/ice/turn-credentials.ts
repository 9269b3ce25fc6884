import crypto from 'node:crypto';

/** A TURN username and password in coturn's REST scheme, and when they stop being accepted. */
export interface TurnCredentials {
  /** `<expiry, unix seconds>:<user id>`: coturn reads the expiry from the username itself. */
  username: string;
  /** base64(HMAC-SHA1(shared secret, username)): what coturn recomputes to check it. */
  credential: string;
  /** The expiry in unix seconds (the username's first part). */
  expiresAt: number;
}

/**
 * The user ids allowed in a TURN username. The username travels in clear in every TURN request and
 * lands in coturn's logs, so it must be an opaque id (a UUID, a FHIR id, a per-visit pseudonym),
 * never a name, e-mail or phone number. The pattern rejects the common shapes of those (spaces, `@`,
 * `+`) and coturn's `:` separator; it cannot prove an id is opaque, so callers pass ids, not PHI.
 */
const OPAQUE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Short-lived TURN credentials for coturn's `use-auth-secret` + `static-auth-secret` mode (the
 * "TURN REST API" draft): valid until `now` + `ttlSeconds`. coturn checks the expiry only when an
 * allocation is made, so an allocation made in time outlives it; a later one needs new credentials.
 * `now` is in milliseconds since the epoch (as `Date.now()`), passed in so tests fix the clock.
 */
export function turnCredentials(
  secret: string,
  userId: string,
  ttlSeconds: number,
  now: number,
): TurnCredentials {
  if (secret === '') throw new Error('the TURN shared secret is empty');
  if (!OPAQUE_ID.test(userId))
    throw new Error('the TURN user id must be an opaque id of 1 to 128 letters, digits, ".", "_" or "-"');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new Error('the TURN credential lifetime must be a positive whole number of seconds');
  if (!Number.isFinite(now)) throw new Error('the current time must be a finite number of milliseconds');
  const expiresAt = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  const credential = crypto.createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}
