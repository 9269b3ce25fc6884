import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/pool.js';
import type { BookingServices } from '../scheduling/booking/services.js';
import { networkTestRoutes } from './checkin/index.js';
import type { AuditLog } from '../../auth/audit/audit-log.js';
import { inviteRoutes, redeemRoute } from './http/invite-routes.js';
import { phoneBridgeRoutes } from './http/phone-bridge-routes.js';
import { policyRoutes } from './http/policy-routes.js';
import { visitRoutes } from './http/routes.js';
import { iceConfigFromEnv, type IceConfig } from './ice/index.js';
import { VisitSockets } from './live/visit-sockets.js';
import type { MediaProvider } from './media/index.js';
import { visitMetrics } from './metrics.js';
import type { EventHandler } from '../../platform/events/types.js';
import { appointmentSync } from './flows/appointment-sync.js';
import { VisitPolicies } from './flows/policy.js';
import type { VisitServices } from './services.js';
import { InProcessSignalBus, type SignalBus } from './signaling/index.js';
import { telephonyFromEnv } from './telephony/dial-in.js';
import { dbPinStore } from './telephony/pin-store.js';
import type { TelephonyProvider } from './telephony/provider.js';
import { VisitTickets } from './tickets/visit-tickets.js';

export const VISITS_API_PREFIX = '/api/visits';

/** What a deployment chooses for video visits (main.ts reads them from the environment). */
export interface VisitOptions {
  /** Default: in-process (one node). */
  bus?: SignalBus;
  ice?: IceConfig;
  media?: MediaProvider;
  telephony?: TelephonyProvider;
  /** Environment for the defaults above (ICE, phone bridge); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** The clock (tests move it by hand). */
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The visit module's services, this node's sockets, and the handler that keeps visits in step
     * with scheduling's events (main.ts subscribes it to topic `scheduling`). Secured apps only.
     */
    visits?: { services: VisitServices; sockets: VisitSockets; schedulingEvents: EventHandler };
  }
}

/**
 * The visit module on an app: services, the sockets (attached to the app's HTTP server), and the
 * routes, registered by the caller in a scope guarded by the access plugin.
 */
export function startVisits(
  app: FastifyInstance,
  deps: {
    db: Database;
    scheduling: BookingServices;
    ticketKey: Buffer;
    onCommitted: () => void;
    /** Where invitation links point (the app's public base URL). */
    baseUrl: string;
    /** Guests have no access token: their joins are audited here directly. */
    auditLog: AuditLog;
    careLinked?: (tenantId: number, account: string) => void;
  },
  opts: VisitOptions = {},
): { services: VisitServices; sockets: VisitSockets; register(scope: FastifyInstance): void } {
  const env = opts.env ?? process.env;
  const live: { sockets?: VisitSockets } = {};
  const services: VisitServices = {
    db: deps.db,
    fhir: deps.scheduling.fhir,
    scheduling: deps.scheduling,
    bus: opts.bus ?? new InProcessSignalBus(),
    tickets: new VisitTickets(deps.ticketKey),
    ice: opts.ice ?? iceConfigFromEnv(env),
    ...(opts.media ? { media: opts.media } : {}),
    telephony: opts.telephony ?? telephonyFromEnv(env, dbPinStore(deps.db)),
    policies: new VisitPolicies(deps.db),
    metrics: visitMetrics(app.metrics, () => live.sockets?.roomCount ?? 0),
    now: opts.now ?? Date.now,
    onCommitted: deps.onCommitted,
    ...(deps.careLinked ? { careLinked: deps.careLinked } : {}),
  };
  const sockets = new VisitSockets(services, app.log);
  live.sockets = sockets;
  sockets.attach(app.server);
  // Public (the invitation is the credential), so outside the access plugin's scope.
  redeemRoute(app, services, sockets, VISITS_API_PREFIX, deps.auditLog);
  // The telephony gateway authenticates with its own secret, not a user's token.
  phoneBridgeRoutes(app, services, sockets, VISITS_API_PREFIX, env.PHONE_BRIDGE_SECRET?.trim() || undefined);
  app.decorate('visits', { services, sockets, schedulingEvents: appointmentSync(services, sockets) });
  app.addHook('preClose', async () => {
    await sockets.close();
    // A bus given by the caller is theirs to close; the default one is ours.
    if (!opts.bus) await services.bus.close();
  });
  return {
    services,
    sockets,
    register(scope) {
      visitRoutes(scope, services, sockets, VISITS_API_PREFIX);
      inviteRoutes(scope, services, VISITS_API_PREFIX, deps.baseUrl);
      policyRoutes(scope, services, VISITS_API_PREFIX);
      networkTestRoutes(scope, VISITS_API_PREFIX);
    },
  };
}
