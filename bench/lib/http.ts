import { Pool } from 'undici';

export interface Request {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string;
  /** Extra headers (e.g. Prefer). */
  headers?: Record<string, string>;
}

export interface Response {
  status: number;
  text: string;
}

const FHIR_JSON = 'application/fhir+json';

/** Keep-alive HTTP/1.1 connections to one origin; every caller shares them. */
export class Client {
  readonly pool: Pool;

  /** `authorization` gives the current bearer token (they are renewed while the bench runs). */
  constructor(
    origin: string,
    connections: number,
    private readonly authorization?: () => string,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async send(req: Request): Promise<Response> {
    const res = await this.pool.request({
      method: req.method,
      path: req.path,
      headers: {
        accept: FHIR_JSON,
        ...(req.body !== undefined ? { 'content-type': FHIR_JSON } : {}),
        ...(this.authorization ? { authorization: `Bearer ${this.authorization()}` } : {}),
        ...req.headers,
      },
      ...(req.body !== undefined ? { body: req.body } : {}),
    });
    // Always read the whole body: a response counts as served only when its last byte arrived.
    return { status: res.statusCode, text: await res.body.text() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
