import crypto from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey as JoseKey, type JWK } from 'jose';
import { totpCodeAt } from '../../../src/auth/credentials/totp.js';

/** Cookies of one browser, by name (the authorization server's cookies are all path-wide enough). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i < 0) continue;
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope: string;
  patient?: string;
  expires_in: number;
  token_type: string;
}

export interface SignInOptions {
  clientId: string;
  redirectUri: string;
  scope: string;
  username: string;
  password: string;
  /** TOTP secret of a staff account already enrolled; filled in on enrolment when absent. */
  mfa?: { secret?: string };
  aud?: string;
  launch?: string;
  /** At a patient picker: search for `query`, then choose `id`. */
  pick?: { query: string; id: string };
}

/**
 * Scripted browser for the authorization code flow with PKCE: follows the redirects, fills the
 * sign-in, second-factor and consent pages as a person would, and exchanges the code.
 */
export class OAuthBrowser {
  readonly jar = new CookieJar();

  constructor(readonly base: string) {}

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.jar.header();
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url.startsWith('http') ? url : `${this.base}${url}`, {
      ...init,
      headers,
      redirect: 'manual',
    });
    this.jar.store(res);
    return res;
  }

  /** Follows redirects until a page of ours (200) or the app's redirect URI. */
  async follow(res: Response, redirectUri: string): Promise<{ res: Response; url: string }> {
    let url = res.url;
    while (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location') ?? '';
      url = new URL(location, url || this.base).href;
      if (url.startsWith(redirectUri)) return { res, url };
      res = await this.fetch(url);
    }
    return { res, url };
  }

  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Runs the whole flow; returns the token response (or the error redirect's parameters). */
  async signIn(
    o: SignInOptions,
  ): Promise<{ tokens?: TokenSet; error?: string; pages: string[]; mfaSecret?: string }> {
    const verifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: o.clientId,
      redirect_uri: o.redirectUri,
      scope: o.scope,
      state: crypto.randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(o.aud ? { aud: o.aud } : {}),
      ...(o.launch ? { launch: o.launch } : {}),
    });
    const pages: string[] = [];
    let mfaSecret = o.mfa?.secret;
    let step = await this.follow(await this.fetch(`/oauth/auth?${params}`), o.redirectUri);
    for (let i = 0; i < 8 && !step.url.startsWith(o.redirectUri); i++) {
      const page = await step.res.text();
      pages.push(page);
      if (step.res.status !== 200) return { error: `page status ${step.res.status}`, pages };
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const action = (name: string) => {
        const m = new RegExp(`action="([^"]*/${name})"`).exec(page);
        return m?.[1]?.replace(/&amp;/g, '&') ?? '';
      };
      let res: Response;
      if (page.includes('name="password"')) {
        res = await this.post(action('login'), { csrf, username: o.username, password: o.password });
      } else if (page.includes('name="code"')) {
        const shown = /<code[^>]*>([A-Z2-7 ]+)<\/code>/.exec(page)?.[1]?.replace(/\s/g, '');
        if (shown) mfaSecret = shown;
        if (!mfaSecret) return { error: 'no mfa secret', pages };
        res = await this.post(action('mfa'), { csrf, code: totpCodeAt(mfaSecret, Date.now()) });
      } else if (page.includes('/patient"') && o.pick) {
        const searched = await this.post(action('patient'), { csrf, intent: 'search', query: o.pick.query });
        const results = await searched.text();
        pages.push(results);
        res = await this.post(action('patient'), {
          csrf,
          intent: 'select',
          query: o.pick.query,
          patient: o.pick.id,
        });
      } else if (page.includes('/consent"')) {
        res = await this.post(action('consent'), { csrf });
      } else {
        return { error: 'unexpected page', pages };
      }
      step = await this.follow(res, o.redirectUri);
    }
    const back = new URL(step.url);
    const code = back.searchParams.get('code');
    if (!code) return { error: back.searchParams.get('error') ?? 'no code', pages };
    const token = await fetch(`${this.base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: o.redirectUri,
        client_id: o.clientId,
        code_verifier: verifier,
      }).toString(),
    });
    const body = (await token.json()) as TokenSet & { error?: string };
    if (!token.ok) return { error: body.error ?? `token status ${token.status}`, pages };
    return { tokens: body, pages, ...(mfaSecret ? { mfaSecret } : {}) };
  }
}

/** The token endpoint's answer to an authorization code (public client, PKCE). */
export function exchangeCode(
  base: string,
  o: { code: string; redirectUri: string; clientId: string; verifier: string },
): Promise<Response> {
  return fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: o.code,
      redirect_uri: o.redirectUri,
      client_id: o.clientId,
      code_verifier: o.verifier,
    }).toString(),
  });
}

/** A SMART Backend Services client: its key pair and the signed assertion it authenticates with. */
export class BackendClient {
  private constructor(
    readonly privateKey: JoseKey,
    readonly publicJwk: JWK,
  ) {}

  static async create(alg: 'RS384' | 'ES384' = 'RS384'): Promise<BackendClient> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg, kid: crypto.randomUUID(), use: 'sig' };
    return new BackendClient(privateKey, jwk);
  }

  assertion(clientId: string, tokenUrl: string, overrides: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT({ jti: crypto.randomUUID(), ...overrides })
      .setProtectedHeader({ alg: this.publicJwk.alg ?? 'RS384', kid: this.publicJwk.kid ?? '', typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setExpirationTime('5m')
      .setIssuedAt()
      .sign(this.privateKey);
  }

  async token(base: string, clientId: string, scope: string): Promise<Response> {
    const tokenUrl = `${base}/oauth/token`;
    return fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await this.assertion(clientId, tokenUrl),
      }).toString(),
    });
  }
}
