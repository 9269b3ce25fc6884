/**
 * Calendar days and wall-clock times in an IANA time zone, without a date library: what the
 * scheduling pages need to group free times by the user's day and to turn a clinician's local
 * times into instants, correct across daylight-saving changes (a day may have 23 or 25 hours).
 * Dates are `YYYY-MM-DD`, times `HH:MM`, instants epoch milliseconds.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` at `ms`, as if it were UTC (so plain arithmetic works on it). */
function wallClock(ms: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/** How far `zone` is ahead of UTC at `ms` (negative west of Greenwich), in milliseconds. */
export function zoneOffset(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClock(whole, zone) - whole;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function utcDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The calendar day in `zone` at the instant `ms`. */
export function localDate(ms: number, zone: string): string {
  return utcDate(new Date(wallClock(ms, zone)));
}

/** The wall-clock time (`HH:MM`) in `zone` at `ms`. */
export function localTime(ms: number, zone: string): string {
  const d = new Date(wallClock(ms, zone));
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function civil(date: string, time = '00:00'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m || !t) throw new RangeError(`not a date and time: ${date} ${time}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(t[1]), Number(t[2]));
}

/**
 * The instant a wall-clock time of a day is in `zone`. A time that does not exist (skipped when
 * the clocks go forward) comes out as the same span after the change; a time that happens twice
 * (when they go back) is its first occurrence.
 */
export function zonedInstant(date: string, time: string, zone: string): number {
  const wall = civil(date, time);
  // The offsets before and after any change near this time. Of two occurrences, the one with the
  // larger offset is the earlier instant: try it first.
  const early = zoneOffset(wall - 86_400_000, zone);
  const late = zoneOffset(wall + 86_400_000, zone);
  for (const offset of early >= late ? [early, late] : [late, early]) {
    const candidate = wall - offset;
    if (wallClock(candidate, zone) === wall) return candidate;
  }
  // In a gap: the wall-clock time with the offset before the change.
  return wall - early;
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return utcDate(new Date(civil(date) + days * 86_400_000));
}

/** ISO weekday of a date: 0 Monday … 6 Sunday. */
export function weekdayOf(date: string): number {
  return (new Date(civil(date)).getUTCDay() + 6) % 7;
}

/** `count` consecutive dates from `first`. */
export function daysFrom(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(first, i));
}

/** The instants a local day spans in `zone`: [its midnight, the next midnight). */
export function dayBounds(date: string, zone: string): { start: number; end: number } {
  return { start: zonedInstant(date, '00:00', zone), end: zonedInstant(addDays(date, 1), '00:00', zone) };
}

/**
 * Items with a `start` instant (ISO text) grouped by their calendar day in `zone`, for the given
 * days in order (a day without items has an empty list), each day's items earliest first. Items
 * on other days are left out.
 */
export function groupByLocalDay<T extends { start?: string }>(
  items: readonly T[],
  zone: string,
  days: readonly string[],
): { date: string; items: T[] }[] {
  const byDay = new Map<string, T[]>(days.map((d) => [d, []]));
  const at = (x: T) => Date.parse(x.start ?? '');
  for (const item of items) {
    const ms = at(item);
    if (!Number.isFinite(ms)) continue;
    byDay.get(localDate(ms, zone))?.push(item);
  }
  return days.map((date) => ({ date, items: (byDay.get(date) ?? []).sort((a, b) => at(a) - at(b)) }));
}

/** A `datetime-local` input's value (`YYYY-MM-DDTHH:MM`) for an instant shown in `zone`. */
export function toLocalInput(ms: number, zone: string): string {
  return `${localDate(ms, zone)}T${localTime(ms, zone)}`;
}

/** The instant of a `datetime-local` value read in `zone`; NaN when it is not one. */
export function fromLocalInput(value: string, zone: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return m ? zonedInstant(m[1]!, m[2]!, zone) : NaN;
}
