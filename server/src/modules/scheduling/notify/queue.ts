import type { NoticeQueue } from '../booking/services.js';
import { enqueueBookingNotices, enqueueBookingNoticesMany, enqueueOfferNotice } from './enqueue.js';

/** The booking code's notice queue (booking/services.ts), implemented by this module. */
export type BookingNoticeQueue = NoticeQueue;

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
    async bookingsChanged(q, tenantId, changes) {
      const at = now();
      await enqueueBookingNoticesMany(
        q,
        tenantId,
        changes.map((change) => ({ ...change, reminderOffsetsMin: opts.reminderOffsetsMin, now: at })),
      );
    },
    async offerMade(q, tenantId, offer) {
      await enqueueOfferNotice(q, tenantId, { ...offer, now: now() });
    },
  };
}
