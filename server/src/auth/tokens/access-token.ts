import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import type { RevocationList } from './revocations.js';

/** What an OpenVisit access token says (claims set by auth/oidc/token-claims.ts). */
export interface AccessClaims {
  iss: string;
  sub?: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  /** tenant id */
  tid: number;
  roles: string[];
  /** `Practitioner/…` etc., relative */
  fhirUser?: string;
  /** SMART launch context: patient id and encounter id */
  patient?: string;
  encounter?: string;
  /** grant tag (revocation) */
  gid?: string;
  /** true for a backend service's token (client credentials): no user */
  svc?: boolean;
  /** issued at, epoch milliseconds */
  ims?: number;
}

export type TokenProblem = 'missing' | 'malformed' | 'expired' | 'invalid' | 'revoked';

export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(`access token ${problem}`);
  }
}

const CACHE_MAX = 10_000;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

export function publicJwks(keys: readonly JWK[]): JSONWebKeySet {
  return {
    keys: keys.map((k) => {
      const pub: JWK = { ...k };
      for (const m of PRIVATE_MEMBERS) delete pub[m];
      return pub;
    }),
  };
}

function isClaims(p: Record<string, unknown>): p is Record<string, unknown> & AccessClaims {
  return (
    typeof p.client_id === 'string' &&
    typeof p.scope === 'string' &&
    typeof p.jti === 'string' &&
    typeof p.tid === 'number' &&
    Array.isArray(p.roles) &&
    typeof p.iat === 'number' &&
    typeof p.exp === 'number'
  );
}

/**
 * Verifies bearer access tokens locally: signature against our own published keys (RS256 only — an
 * `alg: none` or HS256 token never verifies), issuer, audience (this FHIR server), type `at+jwt`,
 * expiry; then the revocation list. A verified token is cached until it expires, so the signature is
 * checked once per token, not once per request; revocation is checked every time.
 */
export class AccessTokenVerifier {
  private jwks: ReturnType<typeof createLocalJWKSet>;
  private readonly cache = new Map<string, AccessClaims>();

  constructor(
    private readonly opts: { issuer: string; audience: string; revocations: RevocationList },
    keys: readonly JWK[],
  ) {
    this.jwks = createLocalJWKSet(publicJwks(keys));
  }

  /** New signing keys (rotation): tokens signed by keys no longer published stop verifying. */
  setKeys(keys: readonly JWK[]): void {
    this.jwks = createLocalJWKSet(publicJwks(keys));
    this.cache.clear();
  }

  async verify(token: string): Promise<AccessClaims> {
    const now = Math.floor(Date.now() / 1000);
    let claims = this.cache.get(token);
    if (claims && claims.exp <= now) {
      this.cache.delete(token);
      throw new TokenError('expired');
    }
    if (!claims) {
      claims = await this.verifySignature(token);
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(token, claims);
    }
    if (this.opts.revocations.isRevoked(claims)) throw new TokenError('revoked');
    return claims;
  }

  private async verifySignature(token: string): Promise<AccessClaims> {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new TokenError('malformed');
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        typ: 'at+jwt',
        algorithms: ['RS256'],
        clockTolerance: 5,
      });
      if (!isClaims(payload)) throw new TokenError('invalid');
      return payload;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof errors.JWTExpired) throw new TokenError('expired');
      throw new TokenError('invalid');
    }
  }
}
