import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { FhirError } from './operation-outcome.js';
import { JsonTooDeep, parseWithNumbers, scanJson } from '../json/lossless-numbers.js';

export interface BodyParserOptions {
  bodyLimit: number;
  /** Deepest accepted nesting of objects and arrays; FHIR resources stay far below 100. */
  maxDepth?: number;
}

export const JSON_MEDIA_TYPES = ['application/json', 'application/fhir+json', 'application/json-patch+json'];

/** A form-encoded body (POST `_search`) as ordered [name, value] pairs: repeats and order matter in FHIR search. */
export type FormPairs = [string, string][];

const parsers: FastifyPluginAsync<BodyParserOptions> = async (app, opts) => {
  const maxDepth = opts.maxDepth ?? 100;
  // Fastify's defaults would accept text/plain and parse JSON without a depth guard.
  app.removeAllContentTypeParsers();

  app.addContentTypeParser(
    JSON_MEDIA_TYPES,
    { parseAs: 'string', bodyLimit: opts.bodyLimit },
    async (_req: unknown, body: string | Buffer) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return undefined;
      let numbers: string[] | null;
      try {
        // one pass: nesting guard before parsing, and the text of decimals whose precision JSON.parse would drop
        numbers = scanJson(text, maxDepth);
      } catch (err) {
        if (!(err instanceof JsonTooDeep)) throw err;
        throw new FhirError(400, {
          severity: 'error',
          code: 'structure',
          diagnostics: `Request body nests deeper than ${maxDepth} levels`,
        });
      }
      try {
        return parseWithNumbers(text, numbers);
      } catch {
        // The parser's message quotes the input, which may be PHI; say only what is wrong.
        throw new FhirError(400, {
          severity: 'error',
          code: 'structure',
          diagnostics: 'Request body is not valid JSON',
        });
      }
    },
  );

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: opts.bodyLimit },
    async (_req: unknown, body: string | Buffer): Promise<FormPairs> => [
      ...new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')),
    ],
  );
};

/** Body parsing for the whole app (not encapsulated): JSON flavours with a depth guard, and forms. */
export const bodyParsersPlugin = fp(parsers, { name: 'openvisit-body-parsers' });
