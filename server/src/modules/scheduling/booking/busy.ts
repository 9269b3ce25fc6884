import type { Queryable } from '../../../platform/db/pool.js';
import type { BusyInterval } from '../availability/types.js';

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
  const res = await q.query<{ p: string; s: string; e: string; a: string }>(
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
 * What the caps need of the bookings around a window, without their times: per clinician and
 * local day, one count-only row (an empty range that takes no time) standing for that day's
 * appointments, placed at a real start of that day so the engine reads the right local date.
 * One grouped read instead of every booking of the surrounding weeks.
 */
export async function loadMarkers(
  q: Queryable,
  tenantId: number,
  practitionerIds: readonly string[],
  from: number,
  to: number,
): Promise<BusyInterval[]> {
  if (practitionerIds.length === 0) return [];
  const res = await q.query<{ p: string; a: string; n: string }>(
    `SELECT practitioner_id AS p, (extract(epoch FROM min(starts_at)) * 1000)::bigint AS a, count(*) AS n
       FROM sched_booking
      WHERE tenant_id = $1 AND practitioner_id = ANY($2) AND status IN ('held', 'booked', 'checked-in')
        AND starts_at >= $3 AND starts_at < $4
      GROUP BY practitioner_id, local_date
      ORDER BY practitioner_id`,
    [tenantId, practitionerIds, new Date(from), new Date(to)],
  );
  return res.rows.map((r) => {
    const at = Number(r.a);
    return {
      practitionerId: r.p,
      start: at,
      end: at,
      counts: true,
      appointmentStart: at,
      appointments: Number(r.n),
    };
  });
}
