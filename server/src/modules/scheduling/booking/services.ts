import type { Database, Queryable } from '../../../platform/db/pool.js';
import type { InteractionDeps } from '../../../fhir/interactions/deps.js';
import type { SchedulingConfig } from '../config/store.js';

/** A booking's change its patient is told of. */
export interface BookingChange {
  bookingId: string;
  patientId: string;
  kind: 'confirmation' | 'changed' | 'cancelled';
  version: number;
  startsAt: Date;
}

/** Notices the booking code asks for in its own transaction (notify/ implements it). */
export interface NoticeQueue {
  bookingChanged(q: Queryable, tenantId: number, change: BookingChange): Promise<void>;
  /** Several bookings' changes at once (a batch of bookings). */
  bookingsChanged(q: Queryable, tenantId: number, changes: readonly BookingChange[]): Promise<void>;
  offerMade(
    q: Queryable,
    tenantId: number,
    offer: { offerId: string; bookingId: string; patientId: string; expiresAt: Date },
  ): Promise<void>;
}

/** Counters the metrics endpoint reads (labels are kinds, never people). */
export interface SchedulingCounters {
  count(
    event:
      | 'booked'
      | 'cancelled'
      | 'rescheduled'
      | 'noshow'
      | 'conflict'
      | 'waitlist-offered'
      | 'waitlist-booked'
      | 'waitlist-expired',
    serviceLine: string,
  ): void;
}

export interface BookingServices {
  db: Database;
  fhir: InteractionDeps;
  config: SchedulingConfig;
  notices?: NoticeQueue;
  counters?: SchedulingCounters;
  now: () => number;
  /** Told after a change committed (the outbox relay's kick). */
  onCommitted?: () => void;
}
