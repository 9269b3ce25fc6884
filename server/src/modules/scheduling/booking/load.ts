import type { Queryable } from '../../../platform/db/pool.js';
import type { ClinicianAvailability } from '../availability/types.js';
import { dayKey } from './busy.js';

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

/** One cap row a batch of bookings takes `n` appointments of. */
export interface LoadTake {
  practitionerId: string;
  period: 'day' | 'week';
  startsOn: string;
  cap: number;
  n: number;
}

/**
 * The cap rows a batch of bookings takes, one per (clinician, period, date) with its count, in one
 * order for every batch (so two batches never wait on each other in a circle).
 */
export function loadTakes(
  bookings: readonly { clinician: ClinicianAvailability; day: string; week: string }[],
): LoadTake[] {
  const takes = new Map<string, LoadTake>();
  const add = (practitionerId: string, period: 'day' | 'week', startsOn: string, cap: number) => {
    const key = `${practitionerId}\u0000${period}\u0000${startsOn}`;
    const take = takes.get(key);
    if (take) take.n++;
    else takes.set(key, { practitionerId, period, startsOn, cap, n: 1 });
  };
  for (const { clinician: c, day, week } of bookings) {
    if (c.maxPerDay === undefined && c.maxPerWeek === undefined) continue;
    add(c.practitionerId, 'day', day, c.maxPerDay ?? NO_CAP);
    if (c.maxPerWeek !== undefined) add(c.practitionerId, 'week', week, c.maxPerWeek);
  }
  // New rows are inserted in this order and existing ones locked in the database's own (by key).
  return [...takes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, take]) => take);
}

/**
 * `takeLoad` for a batch: all of `takes` or nothing. Rows are created as takeLoad creates them,
 * then locked in key order and raised where the cap allows. False when any cap would be passed
 * (then the caller's transaction must abort: some rows may have been raised).
 */
export async function takeLoadMany(
  q: Queryable,
  tenantId: number,
  takes: readonly LoadTake[],
  /** Day rows known to exist (`dayKey`): no need to create them. */
  knownDays: ReadonlySet<string> = new Set(),
): Promise<boolean> {
  if (takes.length === 0) return true;
  const keys = [
    tenantId,
    takes.map((t) => t.practitionerId),
    takes.map((t) => t.period),
    takes.map((t) => t.startsOn),
  ];
  const missing = takes.filter(
    (t) => t.period !== 'day' || !knownDays.has(dayKey(t.practitionerId, t.startsOn)),
  );
  if (missing.length > 0)
    await q.prepared(
      'sched_load_create_many',
      `INSERT INTO sched_load (tenant_id, practitioner_id, period, starts_on, booked)
     SELECT $1, x.p, x.period, x.d,
            (SELECT count(*) FROM sched_booking b
              WHERE b.tenant_id = $1 AND b.practitioner_id = x.p AND b.status IN ('booked', 'checked-in')
                AND (CASE WHEN x.period = 'day' THEN b.local_date ELSE b.local_week END) = x.d)
       FROM unnest($2::text[], $3::text[], $4::date[]) AS x(p, period, d)
      WHERE NOT EXISTS (SELECT 1 FROM sched_load l WHERE l.tenant_id = $1 AND l.practitioner_id = x.p
                           AND l.period = x.period AND l.starts_on = x.d)
     ON CONFLICT DO NOTHING`,
      [
        tenantId,
        missing.map((t) => t.practitionerId),
        missing.map((t) => t.period),
        missing.map((t) => t.startsOn),
      ],
    );
  // Locked in key order by the subquery (every batch the same order), then raised where the cap allows.
  const res = await q.prepared(
    'sched_load_take_many',
    `UPDATE sched_load l SET booked = l.booked + x.n
       FROM (SELECT t.p, t.period, t.d, t.n, t.cap
               FROM unnest($2::text[], $3::text[], $4::date[], $5::int[], $6::int[]) AS t(p, period, d, n, cap)
               JOIN sched_load k ON k.tenant_id = $1 AND k.practitioner_id = t.p AND k.period = t.period
                AND k.starts_on = t.d
              ORDER BY k.practitioner_id, k.period, k.starts_on
              FOR UPDATE OF k) AS x
      WHERE l.tenant_id = $1 AND l.practitioner_id = x.p AND l.period = x.period AND l.starts_on = x.d
        AND l.booked + x.n <= x.cap`,
    [...keys, takes.map((t) => t.n), takes.map((t) => t.cap)],
  );
  return res.rowCount === takes.length;
}

/** Gives back what `takeLoadMany` took for bookings that then lost their time. */
export async function releaseLoadMany(
  q: Queryable,
  tenantId: number,
  takes: readonly LoadTake[],
): Promise<void> {
  if (takes.length === 0) return;
  await q.prepared(
    'sched_load_release_many',
    `UPDATE sched_load l SET booked = greatest(l.booked - x.n, 0)
       FROM unnest($2::text[], $3::text[], $4::date[], $5::int[]) AS x(p, period, d, n)
      WHERE l.tenant_id = $1 AND l.practitioner_id = x.p AND l.period = x.period AND l.starts_on = x.d`,
    [
      tenantId,
      takes.map((t) => t.practitionerId),
      takes.map((t) => t.period),
      takes.map((t) => t.startsOn),
      takes.map((t) => t.n),
    ],
  );
}
