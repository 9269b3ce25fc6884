import * as oidc from 'openid-client';
import { isLoopbackUrl, type FederationConfig } from './config.js';

/** The person the tenant's identity provider signed in, from its validated ID token. */
export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** Authentication methods the provider reports (RFC 8176), e.g. `pwd`, `otp`, `mfa`. */
  amr: string[];
}

export interface AuthorizationStart {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export class UpstreamError extends Error {}

// RFC 8176 values that are, or include, a second factor.
const SECOND_FACTORS = new Set([
  'mfa',
  'otp',
  'hwk',
  'swk',
  'sms',
  'tel',
  'sc',
  'fpt',
  'face',
  'iris',
  'vbm',
  'retina',
]);

/** Whether the provider says the person proved a second factor. */
export function provedSecondFactor(identity: UpstreamIdentity): boolean {
  return identity.amr.some((m) => SECOND_FACTORS.has(m));
}

const DISCOVERY_TTL_MS = 10 * 60_000;
const TIMEOUT_SECONDS = 10;

/**
 * OpenVisit as a relying party of a tenant's identity provider (openid-client, certified): the
 * authorization code flow with PKCE, state and nonce, a confidential client (client_secret_basic),
 * and an ID token whose signature, issuer, audience, expiry and nonce are checked.
 */
export class Upstream {
  private readonly configs = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  constructor(private readonly redirectUri: string) {}

  private configuration(fed: FederationConfig): Promise<oidc.Configuration> {
    const key = `${fed.issuer}|${fed.clientId}|${fed.clientSecret}`;
    const cached = this.configs.get(key);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
    const config = oidc.discovery(
      new URL(fed.issuer),
      fed.clientId,
      undefined,
      oidc.ClientSecretBasic(fed.clientSecret),
      {
        timeout: TIMEOUT_SECONDS,
        ...(isLoopbackUrl(new URL(fed.issuer)) ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    this.configs.set(key, { at: Date.now(), config });
    // A failed discovery is not kept: the next sign-in tries again.
    config.catch(() => this.configs.delete(key));
    return config;
  }

  async begin(fed: FederationConfig): Promise<AuthorizationStart> {
    const config = await this.configuration(fed).catch((e: unknown) => {
      throw new UpstreamError(`discovery failed: ${describe(e)}`);
    });
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, state, nonce, codeVerifier };
  }

  /** Exchanges the code the browser brought back; throws UpstreamError when anything does not check out. */
  async complete(
    fed: FederationConfig,
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<UpstreamIdentity> {
    try {
      const config = await this.configuration(fed);
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        pkceCodeVerifier: expected.codeVerifier,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new UpstreamError('no ID token');
      // Providers that conform to OpenID Connect Core put scope claims (email) in userinfo, not in
      // the ID token, when they issue an access token; only email linking needs them.
      let profile: Record<string, unknown> = { ...claims };
      if (fed.linkVerifiedEmail && claims.email === undefined && config.serverMetadata().userinfo_endpoint)
        profile = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      return {
        issuer: claims.iss,
        subject: claims.sub,
        email: typeof profile.email === 'string' ? profile.email : null,
        emailVerified: profile.email_verified === true,
        amr: Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : [],
      };
    } catch (e) {
      if (e instanceof UpstreamError) throw e;
      throw new UpstreamError(describe(e));
    }
  }
}

// The library's error code and message describe the protocol failure; they carry no tokens.
function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  }
  return 'unknown error';
}
