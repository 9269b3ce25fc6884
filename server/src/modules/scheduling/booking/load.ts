import type { Queryable } from '../../../platform/db/pool.js';
import type { ClinicianAvailability } from '../availability/types.js';

/**
 * Takes one appointment of the clinician's caps for the local day and ISO week, in the booking's
 * transaction: the row lock of the upsert makes concurrent bookings queue, so two of them never
 * pass a cap together. False when a cap is reached (nothing is taken then: the transaction aborts).
 */
export async function takeLoad(
  q: Queryable,
  tenantId: number,
  c: ClinicianAvailability,
  day: string,
  week: string,
): Promise<boolean> {
  if (c.maxPerDay === undefined && c.maxPerWeek === undefined) return true;
  // The day row is kept whenever there is any cap: slot search reads the day counts (loadMarkers).
  for (const [period, startsOn, cap] of [
    ['day', day, c.maxPerDay ?? NO_CAP],
    ['week', week, c.maxPerWeek],
  ] as const) {
    if (cap === undefined) continue;
    const res = await q.prepared(
      'sched_take_load',
      // A period's first row starts from the bookings already there (a cap set after they were made).
      `INSERT INTO sched_load (tenant_id, practitioner_id, period, starts_on, booked)
       SELECT $1, $2, $3, $4, count(*) + 1 FROM sched_booking
        WHERE tenant_id = $1 AND practitioner_id = $2 AND status IN ('booked', 'checked-in')
          AND (CASE WHEN $3 = 'day' THEN local_date ELSE local_week END) = $4::date
       HAVING count(*) < $5
       ON CONFLICT (tenant_id, practitioner_id, period, starts_on)
         DO UPDATE SET booked = sched_load.booked + 1 WHERE sched_load.booked < $5
       RETURNING booked`,
      [tenantId, c.practitionerId, period, startsOn, cap],
    );
    if (res.rowCount === 0) return false;
  }
  return true;
}

const NO_CAP = 1_000_000_000;

/**
 * Recounts a clinician's day and week rows from their bookings, from a week ago on: after their
 * caps are set or changed, the counts slot search reads are right from the start.
 */
export async function refreshLoad(q: Queryable, tenantId: number, practitionerId: string): Promise<void> {
  await q.query(
    `UPDATE sched_load SET booked = 0 WHERE tenant_id = $1 AND practitioner_id = $2 AND starts_on >= current_date - 7`,
    [tenantId, practitionerId],
  );
  await q.query(
    `INSERT INTO sched_load (tenant_id, practitioner_id, period, starts_on, booked)
     SELECT $1, $2, p.period, p.starts_on, count(*) FROM sched_booking b,
            LATERAL (VALUES ('day', b.local_date), ('week', b.local_week)) AS p(period, starts_on)
      WHERE b.tenant_id = $1 AND b.practitioner_id = $2 AND b.status IN ('booked', 'checked-in')
        AND b.local_date >= current_date - 7
      GROUP BY p.period, p.starts_on
     ON CONFLICT (tenant_id, practitioner_id, period, starts_on) DO UPDATE SET booked = EXCLUDED.booked`,
    [tenantId, practitionerId],
  );
}

/** Gives back what `takeLoad` took (a cancelled or moved appointment). */
export async function releaseLoad(
  q: Queryable,
  tenantId: number,
  c: ClinicianAvailability,
  day: string,
  week: string,
): Promise<void> {
  await q.query(
    `UPDATE sched_load SET booked = booked - 1
      WHERE tenant_id = $1 AND practitioner_id = $2 AND booked > 0
        AND ((period = 'day' AND starts_on = $3) OR (period = 'week' AND starts_on = $4))`,
    [tenantId, c.practitionerId, day, week],
  );
}
