import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `npm run build` puts the web app (web/dist), beside this package. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

// The app's own scripts and styles only; Mantine sets inline style attributes, hence 'unsafe-inline'
// for styles (never for scripts). The API and sign-in are on this origin.
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface WebAppOptions {
  /** The OAuth client the app signs in with. */
  clientId: string;
  /** The FHIR base path, e.g. `/fhir/R4`. */
  fhirPrefix: string;
  /** The built app; default WEB_DIST. */
  dist?: string;
}

/**
 * The React app under /app/ (one origin with the API and the sign-in pages): hashed assets cached for
 * a year, every other /app/ path answered with index.html (the app routes in the browser), and the
 * app's settings at /app/config.json. `/` leads to the app.
 */
const webApp: FastifyPluginAsync<WebAppOptions> = async (app, opts) => {
  const dist = opts.dist ?? WEB_DIST;
  const indexFile = path.join(dist, 'index.html');
  const built = fs.existsSync(indexFile);
  const index = built ? fs.readFileSync(indexFile) : undefined;

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/', 302));

  app.get('/app/config.json', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').send({ clientId: opts.clientId, fhirBase: opts.fhirPrefix }),
  );

  if (built) {
    await app.register(fastifyStatic, {
      root: path.join(dist, 'assets'),
      prefix: '/app/assets/',
      wildcard: true,
      index: false,
      schemaHide: true,
      // Names carry a content hash: a file never changes under its name.
      maxAge: 31_536_000_000,
      immutable: true,
    });
  }

  const page = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    if (!index) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built: run `npm run build`.');
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', APP_CSP)
      .send(index);
  };
  app.get('/app', { schema: { hide: true } }, page);
  app.get('/app/*', { schema: { hide: true } }, page);
};

export { webApp as webAppPlugin };
