import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../../auth/audit/audit-log.js';
import { AuditTrail } from '../../../auth/access/audit-trail.js';
import { createInvite, INVITE_ROLES, redeemInvite, type InviteRole } from '../flows/invites.js';
import { visitCaller } from '../flows/participant.js';
import type { VisitSockets } from '../live/visit-sockets.js';
import type { VisitServices } from '../services.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

/** The page a guest opens; the token rides in the fragment, which browsers never send to a server. */
export function inviteUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/app/join#${token}`;
}

/** `POST /api/visits/{id}/invites`: in the authenticated scope; the visit's patient or clinician. */
export function inviteRoutes(app: FastifyInstance, s: VisitServices, prefix: string, baseUrl: string): void {
  app.post(
    `${prefix}/:id/invites`,
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: { role: { type: 'string', enum: [...INVITE_ROLES] } },
        },
        response: {
          201: {
            type: 'object',
            properties: { url: { type: 'string' }, expiresAt: { type: 'string' }, role: { type: 'string' } },
          },
        },
      },
    },
    async (req, reply) => {
      const c = visitCaller(req);
      const { id } = req.params as { id: string };
      const { role } = req.body as { role: InviteRole };
      const invite = await createInvite(s, c, id, role);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          url: inviteUrl(baseUrl, invite.token),
          expiresAt: new Date(invite.expiresAt).toISOString(),
          role,
        });
    },
  );
}

/**
 * `POST /api/visits/invites/redeem` — public: the guest has no account, the one-time token is the
 * credential. The join is audited like any other, with the guest as the agent.
 */
export function redeemRoute(
  app: FastifyInstance,
  s: VisitServices,
  live: VisitSockets,
  prefix: string,
  auditLog: AuditLog,
): void {
  app.post(
    `${prefix}/invites/redeem`,
    {
      schema: {
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              ticket: { type: 'string' },
              visitId: { type: 'string' },
              participantId: { type: 'string' },
              role: { type: 'string' },
              status: { type: 'string' },
              socketPath: { type: 'string' },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { token } = req.body as { token: string };
      const redeemed = await redeemInvite(s, token);
      const trail = new AuditTrail(auditLog, redeemed.tenantId, {
        sub: redeemed.participantId,
        roles: [`guest-${redeemed.role}`],
        address: req.ip,
        purposeOfUse: redeemed.role === 'caregiver' ? 'FAMRQT' : 'TREAT',
      });
      trail.add({
        action: 'operation',
        outcome: 'success',
        resources: [`Encounter/${redeemed.visit.id}`],
        patients: [`Patient/${redeemed.visit.patientId}`],
        query: `Encounter/${redeemed.visit.id}/$join`,
      });
      await trail.flush();
      s.onCommitted?.();
      s.metrics.joinAttempt('guest');
      live.publish(redeemed.tenantId, redeemed.visit.id, { k: 'media', mode: 'sfu' });
      const ticket = s.tickets.issue(
        {
          kind: 'join',
          tenantId: redeemed.tenantId,
          visitId: redeemed.visit.id,
          participantId: redeemed.participantId,
          role: 'guest',
          account: redeemed.participantId,
        },
        s.now(),
      );
      return reply.header('cache-control', 'no-store').send({
        ticket,
        visitId: redeemed.visit.id,
        participantId: redeemed.participantId,
        role: redeemed.role,
        status: redeemed.visit.status,
        socketPath: '/api/visits/live',
      });
    },
  );
}
