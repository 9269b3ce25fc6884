import type { Queryable } from '../../../platform/db/pool.js';
import { enqueueBookingNotices, enqueueOfferNotice } from './enqueue.js';

/**
 * The shape the booking code asks for (`NoticeQueue` in booking/services.ts), kept structural so
 * neither side imports the other: the booking code calls it inside its own transaction.
 */
export interface BookingNoticeQueue {
  bookingChanged(
    q: Queryable,
    tenantId: number,
    change: {
      bookingId: string;
      patientId: string;
      kind: 'confirmation' | 'changed' | 'cancelled';
      version: number;
      startsAt: Date;
    },
  ): Promise<void>;
  offerMade(
    q: Queryable,
    tenantId: number,
    offer: { offerId: string; bookingId: string; patientId: string; expiresAt: Date },
  ): Promise<void>;
}

/** The queue with the deployment's reminder offsets and clock filled in. */
export function noticeQueue(opts: {
  reminderOffsetsMin: readonly number[];
  now?: () => number;
}): BookingNoticeQueue {
  const now = () => new Date(opts.now ? opts.now() : Date.now());
  return {
    async bookingChanged(q, tenantId, change) {
      await enqueueBookingNotices(q, tenantId, {
        ...change,
        reminderOffsetsMin: opts.reminderOffsetsMin,
        now: now(),
      });
    },
    async offerMade(q, tenantId, offer) {
      await enqueueOfferNotice(q, tenantId, { ...offer, now: now() });
    },
  };
}
