import type { Queryable } from '../../platform/db/pool.js';
import { expandAvailability } from './availability/index.js';
import type { ClinicianAvailability } from './availability/types.js';

const WEEK = 7 * 86_400_000;

/**
 * The booked share of a service line's working time over the next week: minutes of live visits of
 * its clinicians over their working minutes for that line (0 when nobody works then).
 */
export async function fillRate(
  q: Queryable,
  tenantId: number,
  serviceLine: string,
  pool: ClinicianAvailability[],
  now: number,
): Promise<number> {
  const to = now + WEEK;
  let working = 0;
  for (const c of pool)
    for (const iv of expandAvailability(c, now, to, { serviceLine })) working += iv.end - iv.start;
  if (working === 0 || pool.length === 0) return 0;
  const res = await q.query<{ booked: string | null }>(
    `SELECT sum(extract(epoch FROM (least(ends_at, $4) - greatest(starts_at, $3))) * 1000) AS booked
       FROM sched_booking
      WHERE tenant_id = $1 AND practitioner_id = ANY($2) AND status IN ('held', 'booked', 'checked-in')
        AND starts_at < $4 AND ends_at > $3`,
    [tenantId, pool.map((c) => c.practitionerId), new Date(now), new Date(to)],
  );
  return Math.min(1, Number(res.rows[0]?.booked ?? 0) / working);
}
