import type { FastifyInstance } from 'fastify';
import { processBundle } from '../bundle/process-bundle.js';
import { capabilityStatement } from './capability-statement.js';
import { flag, inTenant, queryPairs, type RestContext } from './context.js';
import { checkAcceptable, FHIR_JSON, parsePrefer } from './headers.js';
import { sendHistory } from './history-bundle.js';
import { sendJsonText } from './respond.js';

/** metadata, batch/transaction, system search and system history on the FHIR base. */
export function systemRoutes(
  app: FastifyInstance,
  ctx: RestContext,
  software: { name: string; version: string },
  security?: object,
): void {
  // Built once: the definitions do not change while the server runs.
  const capability = JSON.stringify(
    capabilityStatement(ctx.deps.defs, ctx.indexer, ctx.fhirBaseUrl, software, security),
  );

  app.get('/metadata', async (req, reply) => {
    checkAcceptable(req.headers.accept, flag(queryPairs(req), '_format'));
    return sendJsonText(reply, 200, capability, flag(queryPairs(req), '_pretty') === 'true');
  });

  app.post('/', async (req, reply) => {
    const prefer = parsePrefer(req.headers.prefer);
    const answer = await processBundle(
      { db: ctx.db, deps: ctx.deps, searcher: ctx.searcher, fhirBaseUrl: ctx.fhirBaseUrl },
      ctx.callerOf(req),
      req.body,
      prefer.return,
    );
    if (answer.wrote) ctx.onCommitted();
    return reply.code(200).type(FHIR_JSON).send(answer.json);
  });

  app.get('/', async (req, reply) => {
    const pairs = queryPairs(req);
    checkAcceptable(req.headers.accept, flag(pairs, '_format'));
    const prefer = parsePrefer(req.headers.prefer);
    const body = await inTenant(ctx, req, (s) =>
      ctx.searcher.search(s, { params: pairs, strict: prefer.strict }, '/'),
    );
    return sendJsonText(reply, 200, body, flag(pairs, '_pretty') === 'true');
  });

  app.get('/_history', async (req, reply) => sendHistory(ctx, req, reply, {}));
}
