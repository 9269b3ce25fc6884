import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import { changeModality } from '../flows/admission.js';
import type { VisitSockets } from '../live/visit-sockets.js';
import type { VisitServices } from '../services.js';

function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * `POST /api/visits/phone-bridge/resolve`: the telephony gateway in front of the bridge asks which
 * visit a PIN typed on the line opens. The gateway is a server, not a person: it authenticates with
 * `PHONE_BRIDGE_SECRET` as a bearer token. A match moves the visit to `phone` (time-stamped on the
 * Encounter) and tells its sockets. Without the secret configured the route answers 404.
 */
export function phoneBridgeRoutes(
  app: FastifyInstance,
  s: VisitServices,
  live: VisitSockets,
  prefix: string,
  secret: string | undefined,
): void {
  app.post(
    `${prefix}/phone-bridge/resolve`,
    {
      schema: {
        body: {
          type: 'object',
          required: ['pin'],
          additionalProperties: false,
          properties: { pin: { type: 'string', maxLength: 16 } },
        },
        response: { 200: { type: 'object', properties: { conference: { type: 'string' } } } },
      },
    },
    async (req) => {
      if (!secret)
        throw new FhirError(404, { severity: 'error', code: 'not-found', diagnostics: 'No phone bridge' });
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m?.[1] || !sameSecret(m[1], secret))
        throw new FhirError(401, {
          severity: 'error',
          code: 'login',
          diagnostics: 'The gateway secret is wrong',
        });
      const { pin } = req.body as { pin: string };
      const visit = await s.telephony.resolvePin(pin, s.now());
      if (!visit)
        throw new FhirError(404, {
          severity: 'error',
          code: 'not-found',
          diagnostics: 'No visit has this PIN',
        });
      const changed = await changeModality(s, visit.tenantId, visit.visitId, 'phone', 'user');
      if (changed) {
        s.onCommitted?.();
        live.publish(visit.tenantId, visit.visitId, { k: 'modality', modality: 'phone', trigger: 'user' });
      }
      // The conference the gateway bridges the caller into: the visit's id, nothing about the patient.
      return { conference: visit.visitId };
    },
  );
}
