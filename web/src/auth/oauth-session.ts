import type { Endpoints } from './endpoints.js';
import { codeChallenge, randomToken } from './pkce.js';

/**
 * One sign-in serves every role: `user/` scopes, narrowed by the server's access policy to what the
 * account's role reaches (a patient their own record, a clinician their patients').
 */
export const APP_SCOPE = 'openid fhirUser offline_access user/*.cruds';

/** The server's default idle timeout, used if a token response does not state the tenant's. */
const DEFAULT_IDLE_SECONDS = 900;
const PENDING_KEY = 'openvisit.pending-sign-in';
const REFRESH_KEY = 'openvisit.refresh';

export interface Tokens {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  idToken: string;
  /** Who signed in, relative: `Patient/123`, `Practitioner/9`, `RelatedPerson/4`; null for staff without one. */
  fhirUser: string | null;
  /** When these tokens were issued (epoch ms): the session ends `idleMs` after, unless renewed. */
  renewedAt: number;
  /** The tenant's idle timeout: an unused session ends after it, on the server and here. */
  idleMs: number;
  /**
   * The account's roles as the access token states them (`patient`, `front-desk`…): which pages to
   * offer. The server decides what each role may do; this only shapes the navigation.
   */
  roles: string[];
}

interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  /** OpenVisit's own: the tenant's idle timeout in seconds. */
  session_idle_timeout?: number;
  error?: string;
}

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

export class SignInError extends Error {}

function claimsOf(idToken: string): Record<string, unknown> {
  const part = idToken.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
    string,
    unknown
  >;
}

/** The `roles` claim of an access token (a JWT); none when it is not one the app can read. */
export function rolesOf(accessToken: string): string[] {
  try {
    const roles = claimsOf(accessToken).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/** `Patient/123` of `https://host/fhir/R4/Patient/123` (the ID token's fhirUser is absolute). */
export function relativeReference(url: string): string | null {
  const m = /([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : null;
}

/**
 * The OAuth side of the app: authorization code with PKCE against OpenVisit, the access token in
 * memory only, the refresh token in this tab's session storage (a reload keeps the session; closing
 * the tab ends it), refreshed before the access token expires.
 */
export class OAuthSession {
  private tokens: Tokens | null = null;
  private refreshing: Promise<Tokens | null> | null = null;
  private idToken = '';

  constructor(
    private readonly endpoints: Endpoints,
    private readonly storage: Storage = sessionStorage,
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
    /** The app's origin (its redirect URIs). */
    private readonly origin: string = location.origin,
  ) {}

  /** The FHIR base the session's tokens are for. */
  get endpointsBase(): string {
    return this.endpoints.fhirBase;
  }

  get current(): Tokens | null {
    return this.tokens;
  }

  private get redirectUri(): string {
    return new URL('/app/callback', this.origin).toString();
  }

  /** The URL of the server's sign-in; `returnTo` is where the app goes once signed in. */
  async authorizeUrl(returnTo: string): Promise<string> {
    const pending: Pending = { state: randomToken(), verifier: randomToken(48), returnTo };
    this.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(this.endpoints.authorization);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.endpoints.clientId,
      redirect_uri: this.redirectUri,
      scope: APP_SCOPE,
      state: pending.state,
      aud: this.endpoints.fhirBase,
      code_challenge: await codeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  /** Finishes a sign-in from the callback URL's query; where the app should go next. */
  async complete(query: URLSearchParams): Promise<string> {
    const raw = this.storage.getItem(PENDING_KEY);
    this.storage.removeItem(PENDING_KEY);
    const pending = raw ? (JSON.parse(raw) as Pending) : null;
    if (query.get('error')) throw new SignInError(query.get('error') ?? 'error');
    if (!pending || query.get('state') !== pending.state) throw new SignInError('state');
    const code = query.get('code');
    if (!code) throw new SignInError('code');
    await this.grant({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      code_verifier: pending.verifier,
    });
    return appPath(pending.returnTo) ?? '/app/';
  }

  /** A session that survives a reload: the stored refresh token, exchanged once. */
  resume(): Promise<Tokens | null> {
    if (this.tokens) return Promise.resolve(this.tokens);
    return this.storage.getItem(REFRESH_KEY) ? this.refresh() : Promise.resolve(null);
  }

  /** New tokens from the refresh token (rotated by the server); null when the session has ended. */
  refresh(): Promise<Tokens | null> {
    this.refreshing ??= (async () => {
      const refreshToken = this.storage.getItem(REFRESH_KEY);
      if (!refreshToken) return null;
      try {
        return await this.grant({ grant_type: 'refresh_token', refresh_token: refreshToken });
      } catch (err) {
        if (err instanceof SignInError) {
          this.forget();
          return null;
        }
        throw err;
      }
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * Ends the session on the server (the refresh token revoked, then the sign-in session ended by the
   * provider's logout, which signs the account out everywhere); returns the URL to leave for.
   */
  async signOut(opts: { endServerSession?: boolean } = {}): Promise<string> {
    const refreshToken = this.storage.getItem(REFRESH_KEY);
    const idToken = this.idToken;
    this.forget();
    if (refreshToken && this.endpoints.revocation) {
      await this.fetchImpl(this.endpoints.revocation, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: refreshToken,
          token_type_hint: 'refresh_token',
          client_id: this.endpoints.clientId,
        }),
      }).catch(() => undefined);
    }
    // An idle sign-out skips the provider's logout page (nobody is there to confirm it); its sign-in
    // session outlived no interaction either: it expires after the same idle time.
    if (!this.endpoints.endSession || opts.endServerSession === false) return '/app/';
    const url = new URL(this.endpoints.endSession);
    url.search = new URLSearchParams({
      client_id: this.endpoints.clientId,
      post_logout_redirect_uri: new URL('/app/', this.origin).toString(),
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).toString();
    return url.toString();
  }

  /** Drops the tokens of this tab without telling the server (it has ended the session already). */
  forget(): void {
    this.tokens = null;
    this.storage.removeItem(REFRESH_KEY);
  }

  private async grant(params: Record<string, string>): Promise<Tokens> {
    const res = await this.fetchImpl(this.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, client_id: this.endpoints.clientId }),
    });
    const body = (await res.json().catch(() => ({}))) as Partial<TokenResponse>;
    if (res.status === 400 || res.status === 401) throw new SignInError(body.error ?? 'invalid_grant');
    if (!res.ok || !body.access_token) throw new Error(`token endpoint: HTTP ${res.status}`);
    if (body.refresh_token) this.storage.setItem(REFRESH_KEY, body.refresh_token);
    if (body.id_token) this.idToken = body.id_token;
    const claims = this.idToken ? claimsOf(this.idToken) : {};
    const now = Date.now();
    this.tokens = {
      renewedAt: now,
      idleMs: (body.session_idle_timeout ?? DEFAULT_IDLE_SECONDS) * 1000,
      accessToken: body.access_token,
      expiresAt: now + (body.expires_in ?? 300) * 1000,
      idToken: this.idToken,
      fhirUser: typeof claims.fhirUser === 'string' ? relativeReference(claims.fhirUser) : null,
      roles: rolesOf(body.access_token),
    };
    return this.tokens;
  }
}

/**
 * `path` when it is a page of this app (`/app/…`, a path and query on this origin), else null: where
 * a sign-in returns to must never be another site (`/app//elsewhere.example`) or a script URL.
 */
export function appPath(path: string): string | null {
  if (!path.startsWith('/app/') || path.startsWith('/app//')) return null;
  if (!/^[\w\-./~%?=&+:@!$'()*,;]*$/.test(path) || path.includes('\\') || path.includes('/../')) return null;
  return path;
}
