import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

// The API serves data, never documents: nothing may be loaded, framed or submitted from its responses.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function isFhirUrl(url: string): boolean {
  return url === '/fhir' || url.startsWith('/fhir/');
}

export interface SecurityHeaderOptions {
  /** Served over TLS: browsers are told to use HTTPS only (HSTS). */
  hsts?: boolean;
}

const HSTS = 'max-age=31536000; includeSubDomains';

const headers: FastifyPluginAsync<SecurityHeaderOptions> = async (app, opts) => {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    if (opts.hsts) reply.header('strict-transport-security', HSTS);
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', API_CSP);
    // PHI must not linger in shared or browser caches.
    if (isFhirUrl(req.url) || !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
};

/** Security headers and the request id on every response, errors included. */
export const securityHeadersPlugin = fp(headers, { name: 'openvisit-security-headers' });
