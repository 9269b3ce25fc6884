import type { Queryable } from '../../../platform/db/pool.js';
import type { BusyInterval, ClinicianAvailability } from '../availability/types.js';
import { localDayAndWeek } from './local-day.js';

/** Statuses that hold a clinician's time (and are under the exclusion constraint). */
export const LIVE_STATUSES = ['held', 'booked', 'checked-in'] as const;

/**
 * The taken ranges of the given clinicians that overlap [from, to): every live booking's blocked
 * range (its buffers included), held offers and group sessions too; all count toward the caps.
 */
export async function busyIntervals(
  q: Queryable,
  tenantId: number,
  practitionerIds: readonly string[],
  from: number,
  to: number,
): Promise<BusyInterval[]> {
  if (practitionerIds.length === 0) return [];
  const res = await q.prepared<{ p: string; s: string; e: string; a: string }>(
    'sched_busy',
    `SELECT practitioner_id AS p,
            (extract(epoch FROM lower(blocked)) * 1000)::bigint AS s,
            (extract(epoch FROM upper(blocked)) * 1000)::bigint AS e,
            (extract(epoch FROM starts_at) * 1000)::bigint AS a
       FROM sched_booking
      WHERE tenant_id = $1 AND practitioner_id = ANY($2) AND status IN ('held', 'booked', 'checked-in')
        AND blocked && tstzrange($3, $4)
        -- A visit and its buffers last under a day: this bound lets the (clinician, start) index
        -- find the rows without reading every booking of the clinicians.
        AND starts_at > $3::timestamptz - interval '1 day' AND starts_at < $4::timestamptz + interval '1 day'
      ORDER BY practitioner_id`,
    [tenantId, practitionerIds, new Date(from), new Date(to)],
  );
  // Caps count an appointment on the day of its own start, not of its before-buffer.
  return res.rows.map((r) => ({
    practitionerId: r.p,
    start: Number(r.s),
    end: Number(r.e),
    counts: true,
    appointmentStart: Number(r.a),
  }));
}

/**
 * What the caps need of the bookings around a window, without their times: the clinicians' day
 * counts (`sched_load`, kept by the booking transactions) as count-only rows, one per clinician
 * and local day (an empty range that takes no time, placed at that day's local noon so the engine
 * reads the right date). A few thousand small rows instead of every booking of the weeks around.
 */
export async function loadMarkers(
  q: Queryable,
  tenantId: number,
  pool: readonly ClinicianAvailability[],
  from: number,
  to: number,
): Promise<BusyInterval[]> {
  const zones = new Map(pool.map((c) => [c.practitionerId, c.timeZone]));
  if (zones.size === 0) return [];
  const res = await q.prepared<{ p: string; d: string; n: number }>(
    'sched_load_days',
    `SELECT practitioner_id AS p, to_char(starts_on, 'YYYY-MM-DD') AS d, booked AS n FROM sched_load
      WHERE tenant_id = $1 AND practitioner_id = ANY($2) AND period = 'day' AND booked > 0
        AND starts_on BETWEEN $3::date AND $4::date`,
    [
      tenantId,
      [...zones.keys()],
      new Date(from - DAY).toISOString().slice(0, 10),
      new Date(to + DAY).toISOString().slice(0, 10),
    ],
  );
  return res.rows.map((r) => {
    const at = localNoon(r.d, zones.get(r.p) ?? 'UTC');
    return { practitionerId: r.p, start: at, end: at, counts: true, appointmentStart: at, appointments: r.n };
  });
}

const DAY = 86_400_000;

/** An instant on a local date in a zone (its noon, within an hour or two): offsets are under 15 h. */
function localNoon(date: string, timeZone: string): number {
  const guess = Date.parse(`${date}T12:00:00Z`);
  const seen = localDayAndWeek(guess, timeZone).day;
  if (seen === date) return guess;
  return guess + (seen < date ? 12 : -12) * 3_600_000;
}
