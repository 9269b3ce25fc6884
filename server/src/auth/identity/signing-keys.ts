import crypto from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Envelope } from '../../platform/crypto/envelope.js';
import type { Database } from '../../platform/db/pool.js';

/** How long a retired key keeps verifying: longer than any token it signed lives. */
export const RETIRED_KEY_GRACE_SECONDS = 24 * 3600;
const ALG = 'RS256';

export interface SigningKeySet {
  /** Private JWKs, the signing key first. */
  keys: (JWK & { kid: string; alg: string })[];
  /** Changes whenever the set does (rotation, expiry of a retired key). */
  version: string;
}

/**
 * Token signing keys (table auth_signing_key), sealed at rest. RS256: what every OpenID Connect and
 * SMART client must support. `rotate` puts a fresh key in front; the previous one stays published
 * until tokens it signed have expired.
 */
export class SigningKeys {
  constructor(
    private readonly db: Database,
    private readonly envelope: Envelope,
  ) {}

  /** The current set; creates the first key on a new installation. */
  async load(): Promise<SigningKeySet> {
    let rows = await this.rows();
    if (!rows.some((r) => r.retired_at === null)) {
      await this.insertNew();
      rows = await this.rows();
    }
    const keys = rows.map((r) => ({
      ...(JSON.parse(this.envelope.openText(r.private_jwk, context(r.kid))) as JWK),
      kid: r.kid,
      alg: r.alg,
      use: 'sig',
    }));
    return { keys, version: rows.map((r) => `${r.kid}:${r.retired_at ? 'r' : 'a'}`).join(',') };
  }

  /** Retires the signing key and creates its successor; returns the new key id. */
  async rotate(): Promise<string> {
    await this.db.global(`UPDATE auth_signing_key SET retired_at = now() WHERE retired_at IS NULL`);
    return this.insertNew();
  }

  private async rows() {
    const res = await this.db.global<{
      kid: string;
      alg: string;
      private_jwk: string;
      retired_at: Date | null;
    }>(
      `SELECT kid, alg, private_jwk, retired_at FROM auth_signing_key
       WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
       ORDER BY retired_at IS NOT NULL, created_at DESC`,
      [RETIRED_KEY_GRACE_SECONDS],
    );
    return res.rows;
  }

  private async insertNew(): Promise<string> {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(jwk);
    // Two nodes starting at once may both create one; both keys are valid, the newest signs.
    await this.db.global(
      `INSERT INTO auth_signing_key (kid, alg, private_jwk) VALUES ($1, $2, $3) ON CONFLICT (kid) DO NOTHING`,
      [kid, ALG, this.envelope.seal(JSON.stringify(jwk), context(kid))],
    );
    return kid;
  }
}

function context(kid: string): string {
  return `oidc-signing-key:${kid}`;
}
