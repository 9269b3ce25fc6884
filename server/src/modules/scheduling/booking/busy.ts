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
        AND upper(blocked) > $3 AND lower(blocked) < $4
        -- A visit and its buffers last under a day: this bound lets the (clinician, start) index
        -- find the rows without reading every booking of the clinicians.
        AND starts_at > $3::timestamptz - interval '1 day' AND starts_at < $4::timestamptz + interval '1 day'
      ORDER BY practitioner_id`,
    [tenantId, practitionerIds, new Date(from), new Date(to)],
  );
  return res.rows.map(takenRow);
}

/** One clinician's stretch of time, of which a batch of bookings reads the taken ranges. */
export interface ClinicianWindow {
  practitionerId: string;
  from: number;
  to: number;
}

/** The local dates (`YYYY-MM-DD`, inclusive) of which a batch of bookings reads a clinician's day counts. */
export interface ClinicianDays {
  practitionerId: string;
  timeZone: string;
  fromDate: string;
  toDate: string;
}

/** How `calendarAround` names a clinician's day whose count row exists (`countedDays`). */
export const dayKey = (practitionerId: string, date: string) => `${practitionerId} ${date}`;

/**
 * What a batch of bookings checks, in one statement: the taken ranges around each booking's own
 * time (as `busyIntervals`; overlapping windows may return a range twice) and the day counts
 * (as `loadMarkers`) of the days its clinician's caps count, and which of those days have a count row.
 */
export async function calendarAround(
  q: Queryable,
  tenantId: number,
  windows: readonly ClinicianWindow[],
  days: readonly ClinicianDays[],
): Promise<{ taken: BusyInterval[]; counted: BusyInterval[]; countedDays: Set<string> }> {
  if (windows.length === 0 && days.length === 0) return { taken: [], counted: [], countedDays: new Set() };
  const res = await q.prepared<{
    p: string;
    s: string | null;
    e: string;
    a: string;
    d: string | null;
    n: number;
  }>(
    'sched_calendar_around',
    // LATERAL (kept apart by OFFSET 0): one index range per window, never a join over every
    // booking, whatever the planner guesses of the arrays. Overlap is spelt with the range's
    // bounds, not &&, so the (clinician, start) btree is used: the exclusion constraint's GiST
    // index would match && too, and is several times slower to search.
    `SELECT w.p,
            (extract(epoch FROM lower(b.blocked)) * 1000)::bigint AS s,
            (extract(epoch FROM upper(b.blocked)) * 1000)::bigint AS e,
            (extract(epoch FROM b.starts_at) * 1000)::bigint AS a,
            NULL::text AS d, NULL::int AS n
       FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) AS w(p, f, t)
       CROSS JOIN LATERAL (
         SELECT blocked, starts_at FROM sched_booking
          WHERE tenant_id = $1 AND practitioner_id = w.p
            AND starts_at > w.f - interval '1 day' AND starts_at < w.t + interval '1 day'
            AND status IN ('held', 'booked', 'checked-in') AND upper(blocked) > w.f AND lower(blocked) < w.t
         OFFSET 0) AS b
     UNION ALL
     SELECT DISTINCT w.p, NULL::bigint, NULL::bigint, NULL::bigint, to_char(l.starts_on, 'YYYY-MM-DD'), l.booked
       FROM unnest($5::text[], $6::date[], $7::date[]) AS w(p, f, t)
       CROSS JOIN LATERAL (
         SELECT starts_on, booked FROM sched_load
          WHERE tenant_id = $1 AND practitioner_id = w.p AND period = 'day' AND starts_on BETWEEN w.f AND w.t
            AND booked > 0
         OFFSET 0) AS l`,
    [
      tenantId,
      windows.map((w) => w.practitionerId),
      windows.map((w) => new Date(w.from)),
      windows.map((w) => new Date(w.to)),
      days.map((d) => d.practitionerId),
      days.map((d) => d.fromDate),
      days.map((d) => d.toDate),
    ],
  );
  const zones = new Map(days.map((d) => [d.practitionerId, d.timeZone]));
  const taken: BusyInterval[] = [];
  const counted: BusyInterval[] = [];
  const countedDays = new Set<string>();
  for (const r of res.rows)
    if (r.d === null) taken.push(takenRow({ p: r.p, s: r.s ?? '0', e: r.e, a: r.a }));
    else {
      counted.push(marker({ p: r.p, d: r.d, n: r.n }, zones));
      countedDays.add(dayKey(r.p, r.d));
    }
  return { taken, counted, countedDays };
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
    [tenantId, [...zones.keys()], dateOf(from - DAY), dateOf(to + DAY)],
  );
  return res.rows.map((r) => marker(r, zones));
}

/** A day count as a count-only row at the day's local noon (see loadMarkers). */
function marker(r: { p: string; d: string; n: number }, zones: Map<string, string>): BusyInterval {
  const at = localNoon(r.d, zones.get(r.p) ?? 'UTC');
  return { practitionerId: r.p, start: at, end: at, counts: true, appointmentStart: at, appointments: r.n };
}

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const DAY = 86_400_000;

/** A taken range; caps count an appointment on the day of its own start, not of its before-buffer. */
function takenRow(r: { p: string; s: string; e: string; a: string }): BusyInterval {
  return {
    practitionerId: r.p,
    start: Number(r.s),
    end: Number(r.e),
    counts: true,
    appointmentStart: Number(r.a),
  };
}

/**
 * An instant on a local date in a zone (its noon, within an hour or two): offsets are under 15 h.
 * Remembered: a search turns thousands of day counts into markers, but of a few zones and dates,
 * and formatting a date in a zone is the slow part.
 */
function localNoon(date: string, timeZone: string): number {
  const key = `${timeZone} ${date}`;
  const known = noons.get(key);
  if (known !== undefined) return known;
  const guess = Date.parse(`${date}T12:00:00Z`);
  const seen = localDayAndWeek(guess, timeZone).day;
  const noon = seen === date ? guess : guess + (seen < date ? 12 : -12) * 3_600_000;
  if (noons.size >= MAX_NOONS) noons.clear();
  noons.set(key, noon);
  return noon;
}

const noons = new Map<string, number>();
/** Zones in use × a few years of dates. */
const MAX_NOONS = 50_000;
