import type { InteractionDeps } from '../../fhir/interactions/deps.js';
import type { Database } from '../../platform/db/pool.js';
import type { BookingServices } from '../scheduling/booking/services.js';
import type { IceConfig } from './ice/index.js';
import type { MediaProvider } from './media/index.js';
import type { VisitMetrics } from './metrics.js';
import type { VisitPolicies } from './flows/policy.js';
import type { SignalBus } from './signaling/index.js';
import type { TelephonyProvider } from './telephony/provider.js';
import type { VisitTickets } from './tickets/visit-tickets.js';

/** What the visit code runs on. */
export interface VisitServices {
  db: Database;
  /** The FHIR layer's dependencies (shared with scheduling): Encounters and the rest are written through it. */
  fhir: InteractionDeps;
  scheduling: BookingServices;
  /** Carries a visit's messages between the nodes holding its participants' sockets. */
  bus: SignalBus;
  tickets: VisitTickets;
  ice: IceConfig;
  /** The SFU for visits of more than two; absent when none is configured. */
  media?: MediaProvider;
  telephony: TelephonyProvider;
  /** Each tenant's degradation policy (audio-only offer or switch, phone bridge floor). */
  policies: VisitPolicies;
  metrics: VisitMetrics;
  now: () => number;
  /**
   * A clinician now cares for a patient they did not before (they admitted an on-demand visit): the
   * access layer forgets its cached view of whom they reach, so the record opens at once.
   */
  careLinked?: (tenantId: number, account: string) => void;
  /** Told after a change committed (the outbox relay's kick). */
  onCommitted?: () => void;
}
