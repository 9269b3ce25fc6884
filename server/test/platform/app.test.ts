import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { appMigrations } from '../../src/app.js';
import { migrate, type MigrationSource } from '../../src/platform/db/migrate.js';
import { Lifecycle } from '../../src/platform/lifecycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testApp, type LogCapture } from './helpers.js';

let t: TestDatabase;
let app: FastifyInstance;
let logs: LogCapture;

const object = { type: 'object', additionalProperties: true } as const;

/** Routes a test adds to exercise the platform plugins; schemas because every non-FHIR route needs them. */
function testRoutes(a: FastifyInstance): void {
  a.post('/test/echo', { schema: { body: object, response: { 200: object } } }, async (req) => ({
    got: req.body,
  }));
  a.post('/test/any', { schema: { body: {}, response: { 200: object } } }, async (req) => ({
    got: req.body as unknown,
    isArray: Array.isArray(req.body),
  }));
  a.get('/test/boom', { schema: { querystring: object, response: { 200: object } } }, async () => {
    throw new Error('lookup failed for patient Zelda Quixote born 1970-01-01');
  });
}

before(async () => {
  t = await createTestDatabase();
  ({ app, logs } = await testApp(t, { routes: testRoutes, env: { BODY_LIMIT_BYTES: '4096' } }));
});

after(async () => {
  await app.close();
  await t.close();
});

function assertOutcome(body: string, code?: string): { issue: { code: string; diagnostics: string }[] } {
  const oo = JSON.parse(body) as { resourceType: string; issue: { code: string; diagnostics: string }[] };
  assert.equal(oo.resourceType, 'OperationOutcome');
  assert.ok(oo.issue.length > 0);
  if (code) assert.equal(oo.issue[0]?.code, code);
  return oo;
}

describe('health', () => {
  test('/healthz answers without touching the database', async () => {
    const res = await app.inject('/healthz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  test('/readyz is 200 when the database is reachable and migrated', async () => {
    const res = await app.inject('/readyz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ready' });
  });

  test('/readyz is 503 while a migration is pending, 200 once applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ov-ready-'));
    fs.writeFileSync(path.join(dir, '0001_later.sql'), 'CREATE TABLE ready_later (x int);');
    const extra: MigrationSource = { scope: 'readyz_test', dir };
    const { app: a } = await testApp(t, { migrations: [...appMigrations, extra] });
    try {
      const res = await a.inject('/readyz');
      assert.equal(res.statusCode, 503);
      assert.equal(res.json<{ status: string }>().status, 'unavailable');
      assert.match(res.json<{ reason: string }>().reason, /1 database migration\(s\) pending/);
      await migrate(t.url, [extra]);
      assert.equal((await a.inject('/readyz')).statusCode, 200);
    } finally {
      await a.close();
    }
  });

  test('/readyz is 503 while shutting down', async () => {
    const lifecycle = new Lifecycle();
    const { app: a } = await testApp(t, { lifecycle });
    try {
      assert.equal((await a.inject('/readyz')).statusCode, 200);
      lifecycle.beginShutdown();
      const res = await a.inject('/readyz');
      assert.equal(res.statusCode, 503);
      assert.equal(res.json<{ reason: string }>().reason, 'shutting down');
      assert.equal((await a.inject('/healthz')).statusCode, 200, 'still alive');
    } finally {
      await a.close();
    }
  });
});

describe('security headers and request id', () => {
  for (const url of ['/healthz', '/fhir/R4/metadata', '/no/such/route', '/test/boom']) {
    test(`on ${url}`, async () => {
      const res = await app.inject(url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });
  }

  test('FHIR responses are application/fhir+json and never cached', async () => {
    const res = await app.inject('/fhir/R4/metadata');
    assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('a safe X-Request-Id is echoed; an unsafe one is replaced', async () => {
    const ok = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123.XYZ' } });
    assert.equal(ok.headers['x-request-id'], 'abc-123.XYZ');
    const bad = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b<script>' } });
    assert.notEqual(bad.headers['x-request-id'], 'a b<script>');
    assert.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});

describe('bodies and errors as OperationOutcome', () => {
  const post = (url: string, payload: string, type = 'application/fhir+json') =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': type } });

  test('JSON in all three media types, with a charset parameter', async () => {
    for (const type of [
      'application/json',
      'application/fhir+json; charset=utf-8',
      'application/json-patch+json',
    ]) {
      const res = await post('/test/any', '[{"op":"add","path":"/a","value":1}]', type);
      assert.equal(res.statusCode, 200, type);
      assert.equal(res.json<{ isArray: boolean }>().isArray, true);
    }
  });

  test('a form body becomes ordered [name, value] pairs', async () => {
    const res = await post(
      '/test/any',
      'name=a&name=b&birthdate=ge2000',
      'application/x-www-form-urlencoded',
    );
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json<{ got: unknown }>().got, [
      ['name', 'a'],
      ['name', 'b'],
      ['birthdate', 'ge2000'],
    ]);
  });

  test('malformed JSON is 400 without echoing the input', async () => {
    const res = await post('/test/echo', '{"name": "Zelda Quixote", ');
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /json/);
    const oo = assertOutcome(res.body, 'structure');
    assert.doesNotMatch(res.body, /Zelda/);
    assert.match(oo.issue[0]?.diagnostics ?? '', /not valid JSON/);
  });

  test('malformed JSON on a FHIR route answers application/fhir+json', async () => {
    const res = await post('/fhir/R4/Patient', '{bad');
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
    assertOutcome(res.body);
  });

  test('nesting deeper than 100 levels is 400; 100 levels are fine', async () => {
    const nest = (n: number) => '{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1);
    assert.equal((await post('/test/echo', nest(100))).statusCode, 200);
    const res = await post('/test/echo', nest(101));
    assert.equal(res.statusCode, 400);
    assert.match(assertOutcome(res.body, 'structure').issue[0]?.diagnostics ?? '', /deeper than 100/);
    const brackets = await post('/test/any', '['.repeat(2000) + ']'.repeat(2000));
    assert.equal(brackets.statusCode, 400);
  });

  test('brackets inside strings do not count as nesting', async () => {
    const res = await post('/test/echo', JSON.stringify({ text: '[{'.repeat(500) + '\\"[' }));
    assert.equal(res.statusCode, 200);
  });

  test('a body over the limit is 413', async () => {
    const res = await post('/test/echo', JSON.stringify({ pad: 'x'.repeat(5000) }));
    assert.equal(res.statusCode, 413);
    assertOutcome(res.body, 'too-long');
  });

  test('an unsupported media type is 415', async () => {
    const res = await post('/test/echo', 'hello', 'text/plain');
    assert.equal(res.statusCode, 415);
    assertOutcome(res.body, 'not-supported');
  });

  test('schema validation failures are 400', async () => {
    const res = await post('/test/echo', '[1,2]');
    assert.equal(res.statusCode, 400);
    assertOutcome(res.body, 'invalid');
  });

  test('unknown routes are 404, known routes with another method 405 with Allow', async () => {
    const nf = await app.inject('/nowhere/Patient/abc');
    assert.equal(nf.statusCode, 404);
    assertOutcome(nf.body, 'not-found');
    const na = await app.inject({ method: 'DELETE', url: '/healthz' });
    assert.equal(na.statusCode, 405);
    assert.match(String(na.headers.allow), /GET/);
    assertOutcome(na.body, 'not-supported');
  });

  test('unexpected errors are 500 without message, stack or data, in the body and in the logs', async () => {
    const res = await app.inject('/test/boom');
    assert.equal(res.statusCode, 500);
    const oo = assertOutcome(res.body, 'exception');
    assert.equal(oo.issue[0]?.diagnostics, 'Internal server error');
    assert.doesNotMatch(res.body, /Zelda|1970|at \w+ \(/);
    const text = logs.lines.join('\n');
    assert.match(text, /request failed/);
    assert.doesNotMatch(text, /Zelda|Quixote|1970-01-01/);
  });
});

describe('metrics and logs', () => {
  test('/metrics labels by route template and leaks neither ids nor query values', async () => {
    await app.inject('/fhir/R4/Patient/123?name=secret');
    await app.inject({
      url: '/fhir/R4/Patient?name=secret&_id=123',
      headers: { authorization: 'Bearer tok-123-secret' },
    });
    await app.inject('/healthz');
    const res = await app.inject('/metrics');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(text, /http_requests_total\{method="GET",route="\/healthz",status_code="200"\} \d+/);
    assert.match(text, /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/healthz"\}/);
    const labels = [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '');
    assert.ok(labels.length > 0);
    for (const l of labels) {
      assert.doesNotMatch(l, /123|secret/, `label set ${l}`);
    }
    for (const m of text.matchAll(/route="([^"]*)"/g)) {
      const route = m[1] ?? '';
      assert.ok(route === 'unmatched' || route.startsWith('/'), route);
    }
  });

  test('pool, outbox and process metrics are exported', async () => {
    const text = (await app.inject('/metrics')).body;
    for (const name of [
      'db_pool_connections_total',
      'db_pool_connections_idle',
      'db_pool_clients_waiting',
      'db_pool_connections_max',
      'outbox_backlog_events',
      'outbox_lag_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_total_bytes',
    ]) {
      assert.match(text, new RegExp(`^${name} [0-9.e+-]+$`, 'm'), name);
    }
    assert.match(text, /^db_pool_connections_max 10$/m);
    // Counted off the event loop; the per-handle listings (a scrape that walks every socket) are gone.
    const fds = Number(/^process_open_fds (\d+)$/m.exec(text)?.[1]);
    assert.ok(fds > 0, 'process_open_fds');
    assert.doesNotMatch(text, /^nodejs_active_(handles|resources|requests)/m);
  });

  test('two apps in one process keep separate registries', async () => {
    const { app: other } = await testApp(t);
    try {
      assert.equal((await other.inject('/metrics')).statusCode, 200);
      assert.doesNotMatch((await other.inject('/metrics')).body, /route="\/test\/boom"/);
    } finally {
      await other.close();
    }
  });

  test('request logs carry method, template, status, duration, request id and nothing from the URL', async () => {
    logs.lines.length = 0;
    await app.inject({
      url: '/fhir/R4/Patient/123?name=secret',
      headers: { authorization: 'Bearer tok-secret', cookie: 'sid=secret' },
    });
    await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'secret' } });
    const requests = logs.records.filter((r) => r.msg === 'request');
    assert.equal(requests.length, 2);
    for (const r of requests) {
      assert.equal(typeof r.method, 'string');
      assert.equal(typeof r.route, 'string');
      assert.equal(typeof r.statusCode, 'number');
      assert.equal(typeof r.durationMs, 'number');
      assert.equal(typeof r.reqId, 'string');
    }
    assert.equal(requests[1]?.route, '/test/echo');
    for (const r of logs.records) {
      const { time: _time, reqId: _reqId, durationMs: _d, ...rest } = r;
      assert.doesNotMatch(JSON.stringify(rest), /123|secret/, JSON.stringify(rest));
    }
  });
});

describe('OpenAPI', () => {
  test('/openapi.json is OpenAPI 3.1 describing every non-FHIR route with schemas', async () => {
    const res = await app.inject('/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json<{
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
      >;
    }>();
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.ok(doc.info.title && doc.info.version);
    for (const p of ['/healthz', '/readyz', '/metrics', '/openapi.json']) assert.ok(doc.paths[p]?.get, p);
    for (const p of Object.keys(doc.paths)) assert.ok(!p.startsWith('/fhir'), `FHIR route ${p} is hidden`);
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const ok = op.responses['200'];
        assert.ok(ok, `${method} ${p} documents 200`);
        const schemas = Object.values(ok.content ?? {}).map((c) => c.schema);
        assert.ok(schemas.length > 0 && schemas.every(Boolean), `${method} ${p} has a response schema`);
      }
    }
    assert.ok(doc.paths['/readyz']?.get?.responses['503'], 'readyz documents 503');
  });

  test('a non-FHIR route without schemas is refused at startup', async () => {
    await assert.rejects(
      testApp(t, { routes: (a) => a.get('/undocumented', async () => ({})) }),
      /needs request and response schemas/,
    );
  });
});
