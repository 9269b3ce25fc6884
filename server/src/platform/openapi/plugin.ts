import swagger from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { isFhirUrl } from '../http/security-headers.js';

export interface OpenApiOptions {
  version: string;
  baseUrl: string;
}

const openapi: FastifyPluginAsync<OpenApiOptions> = async (app, opts) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenVisit platform API',
        version: opts.version,
        description:
          'Operational endpoints. The FHIR R4 API is described by its CapabilityStatement at /fhir/R4/metadata.',
      },
      servers: [{ url: opts.baseUrl }],
    },
    // FHIR interactions are described by the CapabilityStatement, not here.
    transform: ({ schema, url }) => ({ schema: isFhirUrl(url) ? { ...schema, hide: true } : schema, url }),
  });

  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This OpenAPI document',
        tags: ['operations'],
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: {
          200: { description: 'OpenAPI 3.1 document', type: 'object', additionalProperties: true },
        },
      },
    },
    async () => app.swagger(),
  );
};

/** OpenAPI 3.1 from the route schemas of every route registered after it; served at `/openapi.json`. */
export const openApiPlugin = fp(openapi, { name: 'openvisit-openapi' });
