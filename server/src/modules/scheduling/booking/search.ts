import type { Queryable } from '../../../platform/db/pool.js';
import type { ClinicianAvailability, Slot, SlotQuery } from '../availability/types.js';
import { busyIntervals } from './busy.js';
import { findSlots } from './engine.js';

const DAY = 86_400_000;
/** Bookings this far either side of a window decide its day and week caps. */
const CAP_MARGIN = 8 * DAY;

/**
 * Free times for a query, reading only as much of the calendar as the answer needs: the first day
 * of the window, then a week, then the rest, until `limit` slots are found. A search for the next
 * fifty times across 500 clinicians and 90 days reads one day of bookings, not ninety.
 */
export async function searchSlots(
  q: Queryable,
  tenantId: number,
  pool: ClinicianAvailability[],
  query: SlotQuery,
): Promise<Slot[]> {
  const limit = query.limit ?? 100;
  const ids = pool.map((c) => c.practitionerId);
  let span = DAY;
  for (;;) {
    const to = Math.min(query.to, query.from + span);
    const busy = await busyIntervals(q, tenantId, ids, query.from - CAP_MARGIN, to + CAP_MARGIN);
    const slots = findSlots({ ...query, to, limit }, pool, busy);
    if (slots.length >= limit || to >= query.to) return slots;
    span *= 8;
  }
}
