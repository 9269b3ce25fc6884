import { ApiError, kindOfStatus } from './api-error.js';

export interface FhirResource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}

export interface Bundle<R extends FhirResource = FhirResource> extends FhirResource {
  resourceType: 'Bundle';
  total?: number;
  entry?: { resource?: R; search?: { mode?: string } }[];
  link?: { relation: string; url: string }[];
}

export interface TokenSource {
  /** The current access token, or null when signed out. */
  token(): Promise<string | null>;
  /** A new access token after the server refused one; null when the session has ended. */
  renew(): Promise<string | null>;
}

/**
 * The FHIR API as the app uses it: JSON over fetch with the bearer token; a refused token is renewed
 * once; failures become ApiErrors of a kind the UI can explain.
 */
export class FhirClient {
  constructor(
    private readonly base: string,
    private readonly tokens: TokenSource,
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {}

  read<R extends FhirResource>(reference: string): Promise<R> {
    return this.request<R>(reference);
  }

  /** A search: `type` and its parameters; the matches (not `_include`d or outcome entries). */
  async search<R extends FhirResource>(type: string, params: Record<string, string> = {}): Promise<R[]> {
    const bundle = await this.searchBundle<R>(type, params);
    return (bundle.entry ?? [])
      .filter((e) => (e.search?.mode ?? 'match') === 'match')
      .map((e) => e.resource)
      .filter((r): r is R => r !== undefined);
  }

  searchBundle<R extends FhirResource>(
    type: string,
    params: Record<string, string> = {},
  ): Promise<Bundle<R>> {
    const query = new URLSearchParams(params).toString();
    return this.request<Bundle<R>>(query ? `${type}?${query}` : type);
  }

  /** A link of a Bundle this server returned (`next`); refused if it points anywhere else. */
  follow<R extends FhirResource>(url: string): Promise<Bundle<R>> {
    if (!url.startsWith(`${this.base}/`)) throw new ApiError('server');
    return this.request<Bundle<R>>(url.slice(this.base.length + 1));
  }

  async request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    return (await (await this.response(path, init)).json()) as T;
  }

  /** The answer as the server wrote it (a download keeps every digit of every decimal). */
  async text(path: string): Promise<string> {
    return (await this.response(path, {})).text();
  }

  private async response(path: string, init: { method?: string; body?: unknown }): Promise<Response> {
    let token = await this.tokens.token();
    if (!token) throw new ApiError('session-expired', 401);
    let res = await this.send(path, token, init);
    if (res.status === 401) {
      token = await this.tokens.renew();
      if (!token) throw new ApiError('session-expired', 401);
      res = await this.send(path, token, init);
    }
    if (!res.ok) throw new ApiError(kindOfStatus(res.status), res.status);
    return res;
  }

  private async send(
    path: string,
    token: string,
    init: { method?: string; body?: unknown },
  ): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.base}/${path}`, {
        method: init.method ?? 'GET',
        headers: {
          accept: 'application/fhir+json',
          authorization: `Bearer ${token}`,
          ...(init.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch {
      throw new ApiError('network');
    }
  }
}
