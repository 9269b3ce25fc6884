import type { FastifyReply, FastifyRequest } from 'fastify';
import { operationOutcome } from '../../platform/http/operation-outcome.js';
import type { StoredVersion } from '../storage/resource-store.js';
import type { WriteResult } from '../interactions/write.js';
import { flag, queryPairs, type RestContext } from './context.js';
import { FHIR_JSON, parsePrefer, versionHeaders, type Prefer } from './headers.js';

/** Sends a stored version's JSON text as it was stored; `_pretty` re-indents it. */
export function sendJsonText(
  reply: FastifyReply,
  status: number,
  text: string,
  pretty: boolean,
): FastifyReply {
  reply.code(status).type(FHIR_JSON);
  return reply.send(pretty ? JSON.stringify(JSON.parse(text), null, 2) : text);
}

/** The answer to a write: headers from the stored version, body per `Prefer: return`. */
export function sendWrite(
  reply: FastifyReply,
  status: number,
  stored: StoredVersion,
  prefer: Prefer,
  fhirBaseUrl: string,
  pretty: boolean,
): FastifyReply {
  versionHeaders(reply, stored);
  reply.header('Location', `${fhirBaseUrl}/${stored.resourceType}/${stored.id}/_history/${stored.versionId}`);
  if (prefer.return === 'minimal' || stored.content === null) return reply.code(status).send();
  if (prefer.return === 'OperationOutcome') {
    const outcome = operationOutcome([
      {
        severity: 'information',
        code: 'informational',
        diagnostics: `${stored.resourceType}/${stored.id} version ${stored.versionId} ${status === 201 ? 'created' : 'updated'}`,
      },
    ]);
    return sendJsonText(reply, status, JSON.stringify(outcome), pretty);
  }
  return sendJsonText(reply, status, stored.content, pretty);
}

/**
 * The answer to a create, update or patch: tells the outbox relay when something was written, then
 * sends the version with `Prefer` and `_pretty` of the request.
 */
export function answerWrite(
  ctx: RestContext,
  req: FastifyRequest,
  reply: FastifyReply,
  result: WriteResult,
  wrote = true,
): FastifyReply {
  if (wrote) ctx.onCommitted();
  const pretty = flag(queryPairs(req), '_pretty') === 'true';
  return sendWrite(
    reply,
    result.status,
    result.stored,
    parsePrefer(req.headers.prefer),
    ctx.fhirBaseUrl,
    pretty,
  );
}
