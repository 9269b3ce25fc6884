import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { methodNotAllowed, notFound } from '../../platform/http/operation-outcome.js';
import { deleteResource } from '../interactions/delete.js';
import { patientEverything } from '../interactions/everything.js';
import { readResource, vreadResource } from '../interactions/read.js';
import { checkId, checkType } from '../interactions/request-body.js';
import { patchResource, updateResource } from '../interactions/write.js';
import { flag, inTenant, queryPairs, type RestContext } from './context.js';
import { checkAcceptable, etag, parseIfMatch, versionHeaders } from './headers.js';
import { sendHistory } from './history-bundle.js';
import { subsetForRead } from './read-subset.js';
import { answerWrite, sendJsonText } from './respond.js';

type InstanceRequest = FastifyRequest<{ Params: { type: string; id: string } }>;
type VersionRequest = FastifyRequest<{ Params: { type: string; id: string; vid: string } }>;

function isPretty(req: FastifyRequest): boolean {
  return flag(queryPairs(req), '_pretty') === 'true';
}

/** read, vread, update, patch, delete and instance history on `/:type/:id`; `Patient/:id/$everything`. */
export function instanceRoutes(app: FastifyInstance, ctx: RestContext): void {
  app.get('/Patient/:id/$everything', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    checkAcceptable(req.headers.accept, flag(queryPairs(req), '_format'));
    const pairs = queryPairs(req);
    const since = flag(pairs, '_since');
    const types = flag(pairs, '_type')
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const found = await inTenant(ctx, req, (s) =>
      patientEverything(ctx.deps, s, ctx.compartmentParams, req.params.id, {
        ...(since !== undefined ? { since } : {}),
        ...(types !== undefined ? { types } : {}),
      }),
    );
    // The stored text of each resource goes out as it is (no re-serialization: decimals stay exact).
    const entries = found.map(
      (r) =>
        `{"fullUrl":${JSON.stringify(`${ctx.fhirBaseUrl}/${r.resourceType}/${r.id}`)},"resource":${r.content},"search":{"mode":"match"}}`,
    );
    const self = `${ctx.fhirBaseUrl}/Patient/${req.params.id}/$everything`;
    const body = `{"resourceType":"Bundle","type":"searchset","total":${found.length},"link":[{"relation":"self","url":${JSON.stringify(self)}}],"entry":[${entries.join(',')}]}`;
    reply.header('cache-control', 'no-store');
    return sendJsonText(reply, 200, body, isPretty(req));
  });

  app.get('/:type/:id', async (req: InstanceRequest, reply) => {
    checkAcceptable(req.headers.accept, flag(queryPairs(req), '_format'));
    const stored = await inTenant(ctx, req, (s) => readResource(ctx.deps, s, req.params.type, req.params.id));
    versionHeaders(reply, stored);
    if (notModified(req, stored.versionId, stored.lastUpdated)) return reply.code(304).send();
    const body = subsetForRead(ctx.subsetter, req, stored.content ?? '', stored.resourceType);
    return sendJsonText(reply, 200, body, isPretty(req));
  });

  app.get('/:type/:id/_history/:vid', async (req: VersionRequest, reply) => {
    checkAcceptable(req.headers.accept, flag(queryPairs(req), '_format'));
    const { type, id, vid } = req.params;
    const stored = await inTenant(ctx, req, (s) => vreadResource(ctx.deps, s, type, id, vid));
    versionHeaders(reply, stored);
    const body = subsetForRead(ctx.subsetter, req, stored.content ?? '', stored.resourceType);
    return sendJsonText(reply, 200, body, isPretty(req));
  });

  app.put('/:type/:id', async (req: InstanceRequest, reply) => {
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const result = await inTenant(ctx, req, (s) =>
      updateResource(ctx.deps, s, req.params.type, req.params.id, req.body, ifMatch),
    );
    return answerWrite(ctx, req, reply, result);
  });

  app.patch('/:type/:id', async (req: InstanceRequest, reply) => {
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const result = await inTenant(ctx, req, (s) =>
      patchResource(ctx.deps, s, req.params.type, req.params.id, req.body, ifMatch),
    );
    return answerWrite(ctx, req, reply, result);
  });

  app.delete('/:type/:id', async (req: InstanceRequest, reply: FastifyReply) => {
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const result = await inTenant(ctx, req, (s) =>
      deleteResource(ctx.deps, s, req.params.type, req.params.id, ifMatch),
    );
    if (result.stored) {
      ctx.onCommitted();
      reply.header('ETag', etag(result.stored.versionId));
    }
    return reply.code(204).send();
  });

  app.get('/:type/:id/_history', async (req: InstanceRequest, reply) => {
    const { type, id } = req.params;
    checkType(ctx.deps, type);
    checkId(id);
    // a deleted resource still has a history; one that never existed (or is out of reach) has none
    const reachable = await inTenant(ctx, req, async (s) => {
      s.access.require(type, 'r', 'history');
      const current = await ctx.deps.store.read(s.q, s.tenantId, type, id);
      if (!current || current.deleted || current.content === null)
        return current !== undefined && s.access.compartment() === null;
      return (
        (await s.access.view('history', { resourceType: type, id, content: current.content }, s.q)) !== null
      );
    });
    if (!reachable) throw notFound(`${type} resource not found`);
    return sendHistory(ctx, req, reply, { resourceType: type, id });
  });

  app.post('/:type/:id', async () => {
    throw methodNotAllowed('POST is not allowed on a resource instance; use PUT to update');
  });
}

/** Conditional read: If-None-Match with the current ETag, or If-Modified-Since not older than the version. */
function notModified(req: FastifyRequest, versionId: number, lastUpdated: string): boolean {
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string')
    return inm.split(',').some((t) => t.trim() === etag(versionId) || t.trim() === `"${versionId}"`);
  const ims = req.headers['if-modified-since'];
  if (typeof ims === 'string') {
    const since = Date.parse(ims);
    // HTTP dates have second precision
    return Number.isFinite(since) && Math.floor(Date.parse(lastUpdated) / 1000) * 1000 <= since;
  }
  return false;
}
