import crypto from 'node:crypto';

/**
 * A scripted browser that crosses origins: OpenVisit and the hospital's identity provider each get
 * their cookies (kept per host, as a browser keeps them), redirects are followed across both.
 */
export class FederatedBrowser {
  private readonly jars = new Map<string, Map<string, string>>();
  readonly verifier = crypto.randomBytes(32).toString('base64url');

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const host = new URL(url).hostname;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const i = pair.indexOf('=');
      if (i < 0) continue;
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a page (not a redirect) or a URL starting with `stopAt`; every URL visited. */
  async follow(
    url: string,
    stopAt: string,
  ): Promise<{ res: Response | null; url: string; visited: string[] }> {
    const visited: string[] = [];
    let current = url;
    for (let i = 0; i < 20; i++) {
      visited.push(current);
      if (current.startsWith(stopAt)) return { res: null, url: current, visited };
      const res = await this.fetch(current);
      if (res.status < 300 || res.status >= 400) return { res, url: current, visited };
      current = new URL(res.headers.get('location') ?? '', current).href;
    }
    throw new Error(`too many redirects: ${visited.join(' → ')}`);
  }

  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** The authorization request of a SMART app, with PKCE. */
  authorizeUrl(
    base: string,
    o: { clientId: string; redirectUri: string; scope: string; aud: string },
  ): string {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: o.clientId,
      redirect_uri: o.redirectUri,
      scope: o.scope,
      state: crypto.randomBytes(8).toString('hex'),
      code_challenge: crypto.createHash('sha256').update(this.verifier).digest('base64url'),
      code_challenge_method: 'S256',
      aud: o.aud,
    });
    return `${base}/oauth/auth?${params}`;
  }
}

/** The `action` of the form that posts to `step`, and the page's CSRF token. */
export function formOf(page: string, step: string): { action: string; csrf: string } {
  const action = new RegExp(`action="([^"]*/${step})"`).exec(page)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return { action, csrf };
}
