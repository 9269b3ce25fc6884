import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { freePort } from '../../src/platform/net/free-port.js';

export interface TestServer {
  /** `http://127.0.0.1:PORT/fhir/R4` */
  fhir: string;
  app: FastifyInstance;
  tdb: TestDatabase;
  /** Every log line the app wrote, for PHI checks. */
  logs: string[];
  /** Sends a FHIR request; JSON bodies are serialized, JSON answers parsed into `body`. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // Tests read arbitrary FHIR JSON; they assert on the fields they expect.
  body: FhirJson;
}

// FHIR JSON as tests see it: any shape, checked by assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FhirJson = any;

/** A real OpenVisit HTTP server on a fresh test database (tenant A), listening on loopback. */
export async function startTestServer(
  opts: {
    tenant?: 'A' | 'B';
    tdb?: TestDatabase;
    onCommitted?: () => void;
    /** Default `open`: the data layer's tests; the security layer's tests pass `secured`. */
    security?: AppDeps['security'];
    env?: Record<string, string>;
    /** Video visit options (clock, signal bus, ICE servers, SFU). */
    visits?: AppDeps['visits'];
  } = {},
): Promise<TestServer> {
  const tdb = opts.tdb ?? (await createTestDatabase());
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: tdb.url,
    ...opts.env,
  });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const tenantId = opts.tenant === 'B' ? tdb.tenantB : tdb.tenantA;
  const logger = createLogger({ level: 'info', stream: logStream });
  const app = await buildApp({
    config,
    db: tdb.db,
    tenantId,
    logger,
    security: opts.security ?? { mode: 'open' },
    ...(opts.onCommitted ? { onCommitted: opts.onCommitted } : {}),
    ...(opts.visits ? { visits: opts.visits } : {}),
  });
  await app.listen({ port, host: '127.0.0.1' });
  const fhir = `http://127.0.0.1:${port}/fhir/R4`;
  return {
    fhir,
    app,
    tdb,
    logs,
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { accept: 'application/fhir+json', ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/fhir+json';
      }
      const res = await fetch(path.startsWith('http') ? path : `${fhir}${path}`, init);
      const text = await res.text();
      let parsed: FhirJson = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    async close() {
      await app.close();
      if (!opts.tdb) await tdb.close();
    },
  };
}
