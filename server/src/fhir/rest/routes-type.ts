import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../../platform/http/operation-outcome.js';
import { conditionalDelete } from '../interactions/delete.js';
import { checkType } from '../interactions/request-body.js';
import {
  conditionalPatch,
  conditionalUpdate,
  createResource,
  createResourceBatched,
} from '../interactions/write.js';
import { flag, inTenant, inTransaction, queryPairs, type RestContext } from './context.js';
import { checkAcceptable, etag, parseIfMatch, parsePrefer } from './headers.js';
import { sendHistory } from './history-bundle.js';
import { answerWrite, sendJsonText } from './respond.js';

type TypeRequest = FastifyRequest<{ Params: { type: string } }>;

/** The query string of a request without its `?`, as conditional criteria. */
function criteriaOf(req: FastifyRequest): string {
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  if (q < 0) throw badRequest('A conditional interaction needs search criteria in the URL');
  return url.slice(q + 1);
}

/** Pairs of a POST _search form body (x-www-form-urlencoded), parsed by the body parser. */
function formPairs(body: unknown): [string, string][] {
  if (body === undefined || body === null) return [];
  if (Array.isArray(body)) return body as [string, string][];
  throw badRequest('POST _search takes an application/x-www-form-urlencoded body');
}

/** create, search, conditional update/patch/delete and type history on `/:type`. */
export function typeRoutes(app: FastifyInstance, ctx: RestContext): void {
  app.post('/:type', async (req: TypeRequest, reply) => {
    const ifNoneExist = req.headers['if-none-exist'];
    const criteria = typeof ifNoneExist === 'string' && ifNoneExist.trim() !== '' ? ifNoneExist : undefined;
    const result =
      criteria === undefined
        ? await createResourceBatched(ctx.deps, ctx.callerOf(req), req.params.type, req.body)
        : await inTransaction(ctx, req, (s) =>
            createResource(ctx.deps, s, req.params.type, req.body, criteria),
          );
    // a conditional create that found its match wrote nothing
    return answerWrite(ctx, req, reply, result, result.status === 201);
  });

  const search = async (req: TypeRequest, pairs: [string, string][]) => {
    checkType(ctx.deps, req.params.type);
    checkAcceptable(req.headers.accept, flag(pairs, '_format'));
    const prefer = parsePrefer(req.headers.prefer);
    return inTenant(ctx, req, (s) =>
      ctx.searcher.search(
        s,
        { resourceType: req.params.type, params: pairs, strict: prefer.strict },
        `/${req.params.type}`,
      ),
    );
  };

  app.get('/:type', async (req: TypeRequest, reply) => {
    const pairs = queryPairs(req);
    return sendJsonText(reply, 200, await search(req, pairs), flag(pairs, '_pretty') === 'true');
  });

  app.post('/:type/_search', async (req: TypeRequest, reply) => {
    const pairs = [...queryPairs(req), ...formPairs(req.body)];
    return sendJsonText(reply, 200, await search(req, pairs), flag(pairs, '_pretty') === 'true');
  });

  app.put('/:type', async (req: TypeRequest, reply) => {
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const result = await inTransaction(ctx, req, (s) =>
      conditionalUpdate(ctx.deps, s, req.params.type, criteriaOf(req), req.body, ifMatch),
    );
    return answerWrite(ctx, req, reply, result);
  });

  app.patch('/:type', async (req: TypeRequest, reply) => {
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const result = await inTransaction(ctx, req, (s) =>
      conditionalPatch(ctx.deps, s, req.params.type, criteriaOf(req), req.body, ifMatch),
    );
    return answerWrite(ctx, req, reply, result);
  });

  app.delete('/:type', async (req: TypeRequest, reply) => {
    const result = await inTransaction(ctx, req, (s) =>
      conditionalDelete(ctx.deps, s, req.params.type, criteriaOf(req)),
    );
    if (result.stored) {
      ctx.onCommitted();
      reply.header('ETag', etag(result.stored.versionId));
    }
    return reply.code(204).send();
  });

  app.get('/:type/_history', async (req: TypeRequest, reply) => {
    checkType(ctx.deps, req.params.type);
    ctx.callerOf(req).access.require(req.params.type, 'r', 'history');
    return sendHistory(ctx, req, reply, { resourceType: req.params.type });
  });
}
