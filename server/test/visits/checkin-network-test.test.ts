import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  NETWORK_TEST_MAX_DOWNLOAD_KB,
  NETWORK_TEST_MAX_UPLOAD_BYTES,
  networkTestRoutes,
} from '../../src/modules/visits/checkin/index.js';
import { bodyParsersPlugin } from '../../src/platform/http/body-parsers.js';
import { errorHandlerPlugin } from '../../src/platform/http/error-handler.js';
import { openApiPlugin } from '../../src/platform/openapi/plugin.js';
import { requireSchemasPlugin } from '../../src/platform/openapi/require-schemas.js';

const PREFIX = '/api/visits';
const MiB = 1024 * 1024;
const octets = { 'content-type': 'application/octet-stream' };

/** Bare Fastify, as the brief allows: Fastify's own parsers and error answers. */
async function bareApp(): Promise<FastifyInstance> {
  const app = Fastify();
  networkTestRoutes(app, PREFIX);
  await app.ready();
  return app;
}

/**
 * As app.ts builds it: every route needs schemas, errors are OperationOutcomes, the app's JSON and
 * form parsers (body-parsers.ts) with a body limit below 4 MiB, OpenAPI, and the routes inside a
 * scope next to one of the visits module's JSON routes.
 */
async function platformApp(): Promise<FastifyInstance> {
  const bodyLimit = MiB;
  const app = Fastify({ bodyLimit });
  await app.register(requireSchemasPlugin);
  await app.register(errorHandlerPlugin, { bodyLimit });
  await app.register(bodyParsersPlugin, { bodyLimit });
  await app.register(openApiPlugin, { version: '0.0.0', baseUrl: 'http://localhost' });
  await app.register(async (api) => {
    api.post(
      `${PREFIX}/:id/check-in`,
      {
        schema: {
          params: { type: 'object', properties: { id: { type: 'string' } } },
          body: { type: 'object', additionalProperties: true },
          response: { 200: { type: 'object', additionalProperties: true } },
        },
      },
      async (req) => ({ got: req.body }),
    );
    networkTestRoutes(api, PREFIX);
  });
  await app.ready();
  return app;
}

const download = (app: FastifyInstance, query: string) =>
  app.inject({ method: 'GET', url: `${PREFIX}/network-test/download${query}` });
const upload = (
  app: FastifyInstance,
  payload: Buffer | Readable | string,
  headers: Record<string, string> = octets,
) => app.inject({ method: 'POST', url: `${PREFIX}/network-test/upload`, headers, payload });

for (const [name, build] of [
  ['on bare Fastify', bareApp],
  ['in the platform’s app', platformApp],
] as const) {
  describe(`network-test routes ${name}`, () => {
    let app: FastifyInstance;
    before(async () => {
      app = await build();
    });
    after(async () => {
      await app.close();
    });

    it('download: N KiB of random, incompressible bytes, never cached', async () => {
      for (const kb of [1, 17, NETWORK_TEST_MAX_DOWNLOAD_KB]) {
        const res = await download(app, `?kb=${kb}`);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-type'], 'application/octet-stream');
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.equal(res.rawPayload.length, kb * 1024);
        assert.equal(Number(res.headers['content-length']), kb * 1024);
      }
      const [a, b] = await Promise.all([download(app, '?kb=64'), download(app, '?kb=64')]);
      assert.notDeepEqual(a?.rawPayload, b?.rawPayload);
      // Nothing on the way can make it smaller and the link look faster.
      assert.ok(deflateRawSync(a.rawPayload).length > a.rawPayload.length * 0.99);
    });

    it('download: 400 for a size missing, not a whole number, or outside 1..4096', async () => {
      for (const q of [
        '',
        '?kb=0',
        '?kb=-1',
        `?kb=${NETWORK_TEST_MAX_DOWNLOAD_KB + 1}`,
        '?kb=1.5',
        '?kb=abc',
      ]) {
        const res = await download(app, q);
        assert.equal(res.statusCode, 400, q);
        assert.equal(res.headers['cache-control'], 'no-store');
      }
    });

    it('upload: counts what came, up to exactly 4 MiB (above the app’s own body limit)', async () => {
      for (const size of [1, 1000, 2 * MiB, NETWORK_TEST_MAX_UPLOAD_BYTES]) {
        const res = await upload(app, Buffer.alloc(size, 7));
        assert.equal(res.statusCode, 200, String(size));
        assert.deepEqual(res.json(), { bytes: size });
        assert.equal(res.headers['cache-control'], 'no-store');
      }
      // Streamed in chunks, without a Content-Length.
      const chunks = Array.from({ length: 5 }, () => Buffer.alloc(300_000, 1));
      const res = await upload(app, Readable.from(chunks));
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { bytes: 1_500_000 });
    });

    it('upload: 413 above 4 MiB, whether declared or streamed', async () => {
      const declared = await upload(app, Buffer.alloc(NETWORK_TEST_MAX_UPLOAD_BYTES + 1));
      assert.equal(declared.statusCode, 413);
      const streamed = await upload(app, Readable.from(Array.from({ length: 5 }, () => Buffer.alloc(MiB))));
      assert.equal(streamed.statusCode, 413);
    });

    it('upload: 400 for nothing sent, 415 for anything but octet-stream', async () => {
      const empty = await app.inject({ method: 'POST', url: `${PREFIX}/network-test/upload` });
      assert.equal(empty.statusCode, 400);
      assert.equal((await upload(app, Buffer.alloc(0))).statusCode, 400);
      const json = await upload(app, '{"bytes":4000000}', { 'content-type': 'application/json' });
      assert.equal(json.statusCode, 415);
      assert.equal((await upload(app, 'hello', { 'content-type': 'text/plain' })).statusCode, 415);
    });

    it('ping: 204 with nothing, never cached', async () => {
      const res = await app.inject({ method: 'GET', url: `${PREFIX}/network-test/ping?t=123` });
      assert.equal(res.statusCode, 204);
      assert.equal(res.rawPayload.length, 0);
      assert.equal(res.headers['cache-control'], 'no-store');
    });
  });
}

describe('network-test routes in the platform’s app', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await platformApp();
  });
  after(async () => {
    await app.close();
  });

  it('refuses as OperationOutcomes naming the limit', async () => {
    const big = await upload(app, Buffer.alloc(NETWORK_TEST_MAX_UPLOAD_BYTES + 1));
    assert.equal(big.statusCode, 413);
    assert.deepEqual(big.json(), {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'too-long', diagnostics: 'The upload is larger than 4194304 bytes' },
      ],
    });
    const bad = await download(app, '?kb=0');
    assert.equal(bad.json().resourceType, 'OperationOutcome');
    assert.equal(bad.json().issue[0].code, 'invalid');
  });

  it('leaves the scope’s JSON parsing alone: a JSON route beside it takes JSON, not octet-stream', async () => {
    const json = await app.inject({
      method: 'POST',
      url: `${PREFIX}/v1/check-in`,
      headers: { 'content-type': 'application/json' },
      payload: '{"consent":true}',
    });
    assert.equal(json.statusCode, 200);
    assert.deepEqual(json.json(), { got: { consent: true } });
    const bytes = await app.inject({
      method: 'POST',
      url: `${PREFIX}/v1/check-in`,
      headers: octets,
      payload: Buffer.alloc(10),
    });
    assert.equal(bytes.statusCode, 415);
  });

  it('documents the three routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const paths = doc.paths as Record<string, Record<string, { requestBody?: unknown; responses: object }>>;
    assert.ok(paths[`${PREFIX}/network-test/download`]?.get);
    assert.ok(paths[`${PREFIX}/network-test/ping`]?.get);
    const up = paths[`${PREFIX}/network-test/upload`]?.post;
    assert.deepEqual(Object.keys((up?.requestBody as { content: object }).content), [
      'application/octet-stream',
    ]);
  });
});
