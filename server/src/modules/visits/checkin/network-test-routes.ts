import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FhirError } from '../../../platform/http/operation-outcome.js';

/**
 * What the browser's network test measures against (web/src/api/network-test.ts): a download of
 * N KiB of random bytes, an upload it times, and a ping. The caller registers these inside an
 * authenticated scope (`/api/visits`): they hand out and take megabytes, so not to anyone.
 */

export const NETWORK_TEST_MAX_DOWNLOAD_KB = 4096;
export const NETWORK_TEST_MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
const OCTET_STREAM = 'application/octet-stream';

const random = promisify(randomBytes);
const problem = { type: 'object', additionalProperties: true } as const;
const noQuery = { type: 'object', properties: {}, additionalProperties: false } as const;
const binary = { type: 'string', format: 'binary' } as const;

function tooLarge(): FhirError {
  return new FhirError(413, {
    severity: 'error',
    code: 'too-long',
    diagnostics: `The upload is larger than ${NETWORK_TEST_MAX_UPLOAD_BYTES} bytes`,
  });
}

/** The byte count the octet-stream parser leaves as the body: the bytes themselves are dropped. */
interface Counted {
  bytes: number;
}
const counted = new WeakSet<object>();

/**
 * The bytes of an upload, counted and dropped as they arrive (never buffered), up to the limit. A
 * declared Content-Length over the limit is refused before reading anything.
 */
function countBytes(
  req: FastifyRequest,
  payload: NodeJS.ReadableStream,
  done: (err: Error | null, body?: unknown) => void,
): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > NETWORK_TEST_MAX_UPLOAD_BYTES) {
    done(tooLarge());
    return;
  }
  let bytes = 0;
  let settled = false;
  const settle = (err: Error | null, body?: unknown) => {
    if (settled) return;
    settled = true;
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    done(err, body);
  };
  const onData = (chunk: Buffer | string) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (bytes > NETWORK_TEST_MAX_UPLOAD_BYTES) settle(tooLarge());
  };
  const onEnd = () => {
    const body: Counted = { bytes };
    counted.add(body);
    settle(null, body);
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', (err: Error) => settle(err));
}

/**
 * `GET {prefix}/network-test/download?kb=N` (1..4096): N KiB of random bytes, never cached, so
 * that neither compression nor a cache makes the link look faster than it is.
 * `POST {prefix}/network-test/upload`: an `application/octet-stream` body up to 4 MiB, counted and
 * dropped; answers `{ bytes }`. Anything but octet-stream is 415, an empty body 400, more 413.
 * `GET {prefix}/network-test/ping`: 204, for round-trip times.
 *
 * The routes live in their own encapsulated context: the octet-stream parser (the only one there)
 * does not leak into the caller's scope, where the app's JSON parsers stay as they are.
 */
export function networkTestRoutes(app: FastifyInstance, prefix: string): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(OCTET_STREAM, countBytes);

    scope.addHook('onSend', async (_req, reply) => {
      reply.header('cache-control', 'no-store');
    });

    scope.get(
      `${prefix}/network-test/download`,
      {
        schema: {
          summary: 'Random bytes for the device check to time a download',
          tags: ['visits'],
          querystring: {
            type: 'object',
            properties: { kb: { type: 'integer', minimum: 1, maximum: NETWORK_TEST_MAX_DOWNLOAD_KB } },
            required: ['kb'],
            additionalProperties: false,
          },
          response: {
            200: { description: '`kb` KiB of random bytes', content: { [OCTET_STREAM]: { schema: binary } } },
            400: problem,
          },
        },
      },
      async (req, reply) => {
        const { kb } = req.query as { kb: number };
        // On libuv's thread pool, not the event loop.
        const bytes = await random(kb * 1024);
        return reply.type(OCTET_STREAM).send(bytes);
      },
    );

    scope.post(
      `${prefix}/network-test/upload`,
      {
        bodyLimit: NETWORK_TEST_MAX_UPLOAD_BYTES,
        schema: {
          summary: 'Takes up to 4 MiB for the device check to time an upload, and drops them',
          tags: ['visits'],
          body: { content: { [OCTET_STREAM]: { schema: binary } } },
          response: {
            200: {
              type: 'object',
              properties: { bytes: { type: 'integer' } },
              required: ['bytes'],
              additionalProperties: false,
            },
            400: problem,
            413: problem,
            415: problem,
          },
        },
        // The parser has already checked the bytes (type and size); JSON Schema cannot describe a
        // count of dropped bytes, so the body is not validated again.
        validatorCompiler: () => () => true,
      },
      async (req) => {
        const body = req.body as Counted | undefined;
        if (!body || !counted.has(body) || body.bytes === 0)
          throw new FhirError(400, {
            severity: 'error',
            code: 'required',
            diagnostics: `Send the bytes to time as ${OCTET_STREAM}`,
          });
        return { bytes: body.bytes };
      },
    );

    scope.get(
      `${prefix}/network-test/ping`,
      {
        schema: {
          summary: 'Nothing, quickly: the device check times round trips with it',
          tags: ['visits'],
          querystring: noQuery,
          response: { 204: { description: 'Reachable', type: 'null' }, 400: problem },
        },
      },
      async (_req, reply) => reply.code(204).send(),
    );
  });
}
