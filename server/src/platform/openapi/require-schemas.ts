import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { isFhirUrl } from '../http/security-headers.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Refuses to register a non-FHIR route without request and response schemas: the OpenAPI document
 * is generated from them, and an undocumented route is a route nobody validates.
 */
const requireSchemas: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', (route) => {
    if (isFhirUrl(route.url) || route.method === 'HEAD' || route.schema?.hide) return;
    const schema = route.schema;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const needsBody = methods.some((m) => BODY_METHODS.has(m));
    const hasRequest = needsBody
      ? schema?.body !== undefined
      : (schema?.querystring ?? schema?.params) !== undefined;
    if (!schema?.response || !hasRequest) {
      throw new Error(`route ${methods.join(',')} ${route.url} needs request and response schemas`);
    }
  });
};

export const requireSchemasPlugin = fp(requireSchemas, { name: 'openvisit-require-schemas' });
