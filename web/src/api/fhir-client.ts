import { ApiError, kindOfStatus, type Outcome } from './api-error.js';

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

/** Search parameters; a list repeats the parameter (`date=ge…&date=lt…`). */
export type SearchParams = Record<string, string | readonly string[]>;

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

  /**
   * A search: `type` and its parameters (a list repeats the parameter: `date=ge…&date=lt…`); the
   * matches (not `_include`d or outcome entries).
   */
  async search<R extends FhirResource>(type: string, params: SearchParams = {}): Promise<R[]> {
    const bundle = await this.searchBundle<R>(type, params);
    return (bundle.entry ?? [])
      .filter((e) => (e.search?.mode ?? 'match') === 'match')
      .map((e) => e.resource)
      .filter((r): r is R => r !== undefined);
  }

  searchBundle<R extends FhirResource>(type: string, params: SearchParams = {}): Promise<Bundle<R>> {
    const query = new URLSearchParams(
      Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    ).toString();
    return this.request<Bundle<R>>(query ? `${type}?${query}` : type);
  }

  /** A link of a Bundle this server returned (`next`); refused if it points anywhere else. */
  follow<R extends FhirResource>(url: string): Promise<Bundle<R>> {
    if (!url.startsWith(`${this.base}/`)) throw new ApiError('server');
    return this.request<Bundle<R>>(url.slice(this.base.length + 1));
  }

  /** A FHIR interaction or operation; undefined for an answer without a body (204). */
  async request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    return bodyOf<T>(await this.response(`${this.base}/${path}`, init, FHIR_JSON));
  }

  /**
   * OpenVisit's own JSON APIs on the same server, outside the FHIR base (`/api/scheduling/…`):
   * the same token, renewal and error kinds as FHIR requests.
   */
  async api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    if (!path.startsWith('/api/')) throw new ApiError('server');
    return bodyOf<T>(await this.response(new URL(path, this.base).toString(), init, 'application/json'));
  }

  /** The answer as the server wrote it (a download keeps every digit of every decimal). */
  async text(path: string): Promise<string> {
    return (await this.response(`${this.base}/${path}`, {}, FHIR_JSON)).text();
  }

  private async response(
    url: string,
    init: { method?: string; body?: unknown },
    type: string,
  ): Promise<Response> {
    let token = await this.tokens.token();
    if (!token) throw new ApiError('session-expired', 401);
    let res = await this.send(url, token, init, type);
    if (res.status === 401) {
      token = await this.tokens.renew();
      if (!token) throw new ApiError('session-expired', 401);
      res = await this.send(url, token, init, type);
    }
    if (!res.ok) throw new ApiError(kindOfStatus(res.status), res.status, await outcomeOf(res));
    return res;
  }

  private async send(
    url: string,
    token: string,
    init: { method?: string; body?: unknown },
    type: string,
  ): Promise<Response> {
    try {
      return await this.fetchImpl(url, {
        method: init.method ?? 'GET',
        headers: {
          accept: type,
          authorization: `Bearer ${token}`,
          ...(init.body !== undefined ? { 'content-type': type } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch {
      throw new ApiError('network');
    }
  }
}

const FHIR_JSON = 'application/fhir+json';

async function bodyOf<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A refusal's OperationOutcome (or the JSON API's problem), when it sent one. */
async function outcomeOf(res: Response): Promise<Outcome | undefined> {
  try {
    const body = (await res.json()) as unknown;
    return body !== null && typeof body === 'object' ? (body as Outcome) : undefined;
  } catch {
    return undefined;
  }
}
