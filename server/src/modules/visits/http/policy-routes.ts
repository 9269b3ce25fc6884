import type { FastifyInstance } from 'fastify';
import { forbidden, visitCaller } from '../flows/participant.js';
import type { DegradationPolicy } from '../quality/index.js';
import type { VisitServices } from '../services.js';

const policySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mosThreshold: { type: 'number' },
    lossThreshold: { type: 'number' },
    sustainSeconds: { type: 'number' },
    recoverSeconds: { type: 'number' },
    mode: { type: 'string', enum: ['offer', 'automatic'] },
    phoneBridgeMosFloor: { type: 'number' },
    poorRatio: { type: 'number' },
    mosRecoverMargin: { type: 'number' },
    lossRecoverMargin: { type: 'number' },
  },
} as const;

/** `GET|PUT /api/visits/policy`: the tenant's degradation policy (any staff reads, the tenant admin sets). */
export function policyRoutes(app: FastifyInstance, s: VisitServices, prefix: string): void {
  app.get(
    `${prefix}/policy`,
    { schema: { querystring: { type: 'object', properties: {} }, response: { 200: policySchema } } },
    async (req) => {
      const c = visitCaller(req);
      if (!c.staff) throw forbidden('Only clinic staff may read the visit policy');
      return s.policies.of(c.tenantId);
    },
  );
  app.put(
    `${prefix}/policy`,
    { schema: { body: policySchema, response: { 200: policySchema } } },
    async (req) => {
      const c = visitCaller(req);
      if (!c.roles.includes('tenant-admin'))
        throw forbidden('Only the tenant administrator sets the visit policy');
      return s.policies.save(c.tenantId, req.body as Partial<DegradationPolicy>);
    },
  );
}
