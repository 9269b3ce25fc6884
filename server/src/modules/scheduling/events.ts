import type { Queryable } from '../../platform/db/pool.js';
import { uuidv7 } from '../../platform/ids/uuid-v7.js';

/** The scheduling events others consume (topic `scheduling`). Payloads carry ids, never PHI. */
export type SchedulingEventType =
  | 'appointment.booked'
  | 'appointment.rescheduled'
  | 'appointment.cancelled'
  | 'appointment.noshow'
  | 'waitlist.offered'
  | 'waitlist.offer-expired'
  | 'waitlist.booked';

export interface SchedulingEventPayload {
  bookingId: string;
  appointmentId?: string | null;
  status?: string;
  visitTypeId?: string;
  serviceLine?: string;
  /** The booking's start (ISO): when, not who. */
  start?: string;
  [key: string]: unknown;
}

/** Writes the event in the caller's transaction: it is published iff the change commits. */
export async function emit(
  q: Queryable,
  tenantId: number,
  type: SchedulingEventType,
  payload: SchedulingEventPayload,
): Promise<void> {
  await q.prepared(
    'sched_emit',
    `INSERT INTO outbox (tenant_id, event_id, topic, type, payload) VALUES ($1, $2, 'scheduling', $3, $4)`,
    [tenantId, uuidv7(), type, JSON.stringify(payload)],
  );
}
