import { STATUS_CODES } from 'node:http';
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import { FhirError, operationOutcome, type IssueCode, type OperationOutcome } from './operation-outcome.js';
import { isFhirUrl } from './security-headers.js';

interface Answer {
  status: number;
  outcome: OperationOutcome;
  headers: Record<string, string>;
}

const CODE_BY_STATUS: Record<number, IssueCode> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  410: 'deleted',
  412: 'conflict',
  413: 'too-long',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
  503: 'transient',
};

function issue(status: number, diagnostics: string): OperationOutcome {
  const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'exception' : 'processing');
  return operationOutcome([{ severity: status >= 500 ? 'fatal' : 'error', code, diagnostics }]);
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as FastifyError).code === 'string';
}

/**
 * Maps any thrown value to a status and an OperationOutcome. Messages are only passed through from
 * errors whose text we control (FhirError, Fastify's own FST_* and schema validation errors); anything
 * else gets the HTTP reason phrase, because a driver or library message may quote request data.
 */
export function answerFor(err: unknown, bodyLimit: number): Answer {
  if (err instanceof FhirError) return { status: err.status, outcome: err.outcome, headers: err.headers };
  if (isFastifyError(err)) {
    if (err.validation) return { status: 400, outcome: issue(400, err.message), headers: {} };
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return {
          status: 413,
          outcome: issue(413, `Request body is larger than ${bodyLimit} bytes`),
          headers: {},
        };
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return {
          status: 415,
          outcome: issue(415, 'Unsupported media type; send application/fhir+json or application/json'),
          headers: {},
        };
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      case 'FST_ERR_CTP_INVALID_TYPE':
        return { status: 400, outcome: issue(400, err.message), headers: {} };
    }
    const status = err.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const text = err.code.startsWith('FST_') ? err.message : (STATUS_CODES[status] ?? 'Bad request');
      return { status, outcome: issue(status, text), headers: {} };
    }
  }
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, outcome: issue(status, STATUS_CODES[status] ?? 'Bad request'), headers: {} };
  }
  return { status: 500, outcome: issue(500, 'Internal server error'), headers: {} };
}

export function sendOutcome(req: FastifyRequest, reply: FastifyReply, answer: Answer): FastifyReply {
  const type = isFhirUrl(req.url)
    ? 'application/fhir+json; charset=utf-8'
    : 'application/json; charset=utf-8';
  return reply.code(answer.status).headers(answer.headers).type(type).send(answer.outcome);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function allowedMethods(app: FastifyInstance, url: string): string[] {
  const path = url.split('?')[0] ?? url;
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}

const handlers: FastifyPluginAsync<{ bodyLimit: number }> = async (app, opts) => {
  app.setErrorHandler((err, req, reply) => {
    const answer = answerFor(err, opts.bodyLimit);
    if (answer.status >= 500) req.log.error({ err }, 'request failed');
    return sendOutcome(req, reply, answer);
  });

  app.setNotFoundHandler((req, reply) => {
    const allow = allowedMethods(app, req.url);
    if (allow.length > 0) {
      return sendOutcome(req, reply, {
        status: 405,
        outcome: issue(405, `Method ${req.method} is not allowed here`),
        headers: { allow: allow.join(', ') },
      });
    }
    return sendOutcome(req, reply, { status: 404, outcome: issue(404, 'No such route'), headers: {} });
  });
};

/** Every error, 404 and 405 of the app answered as an OperationOutcome, without stack or request data. */
export const errorHandlerPlugin = fp(handlers, { name: 'openvisit-error-handler' });
