import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The route template (`/fhir/R4/:type/:id`), never the URL: paths and query strings carry ids and PHI. */
export function routeTemplate(req: FastifyRequest): string {
  return req.routeOptions.url ?? 'unmatched';
}

const requestLog: FastifyPluginAsync = async (app) => {
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        route: routeTemplate(req),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
  });
};

/** One structured line per request; Fastify's own request logging is disabled because it logs the URL. */
export const requestLogPlugin = fp(requestLog, { name: 'openvisit-request-log' });
