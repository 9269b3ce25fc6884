import type { Queryable } from '../../../platform/db/pool.js';
import type { BusyInterval, ClinicianAvailability, Slot, SlotQuery } from '../availability/types.js';
import { busyIntervals, loadMarkers } from './busy.js';
import { findSlots } from './engine.js';

const DAY = 86_400_000;
/** Days this far either side of a window share its ISO weeks: their counts decide the week caps. */
const CAP_MARGIN = 7 * DAY;

/**
 * The bookings a search over [from, to] needs: the taken ranges that can touch a slot there (the
 * slot's own buffers are the margin), and for clinicians with caps the day counts of the weeks
 * around it as count-only rows.
 */
export async function calendar(
  q: Queryable,
  tenantId: number,
  pool: ClinicianAvailability[],
  query: SlotQuery,
  to: number,
): Promise<BusyInterval[]> {
  const vt = query.visitType;
  const reach = (vt.bufferBeforeMin + vt.durationMin + vt.bufferAfterMin + 1) * 60_000;
  const ids = pool.map((c) => c.practitionerId);
  const capped = pool.filter((c) => c.maxPerDay !== undefined || c.maxPerWeek !== undefined);
  const [taken, counted] = await Promise.all([
    busyIntervals(q, tenantId, ids, query.from - reach, to + reach),
    loadMarkers(q, tenantId, capped, query.from - CAP_MARGIN, to + CAP_MARGIN),
  ]);
  // The taken rows count too: keep them out of the caps, the markers already hold every booking.
  return [...taken.map((b) => ({ ...b, counts: false })), ...counted];
}

/**
 * Free times for a query, reading only as much of the calendar as the answer needs: the first day
 * of the window, then eight, then sixty-four, until `limit` slots are found. A search for the next
 * fifty times across 500 clinicians and 90 days reads one day of bookings, not ninety.
 */
export async function searchSlots(
  q: Queryable,
  tenantId: number,
  pool: ClinicianAvailability[],
  query: SlotQuery,
): Promise<Slot[]> {
  const limit = query.limit ?? 100;
  let span = DAY;
  for (;;) {
    const to = Math.min(query.to, query.from + span);
    const slots = findSlots({ ...query, to, limit }, pool, await calendar(q, tenantId, pool, query, to));
    if (slots.length >= limit || to >= query.to) return slots;
    span *= 8;
  }
}
