/**
 * Civil (wall-calendar) arithmetic without a zone: a local date is a day number (days since
 * 1970-01-01) so the hot loops step days with `+ 1` and compare with `<`, never parsing strings.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;

/** `YYYY-MM-DD` to its day number; throws on anything else (configuration is validated upstream). */
export function dayNumber(localDate: string): number {
  const m = LOCAL_DATE.exec(localDate);
  if (!m) throw new RangeError(`Not a local date: ${localDate}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 02-30 over into March: refuse rather than shift a configured date.
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Not a calendar date: ${localDate}`);
  }
  return ms / DAY_MS;
}

/** The `YYYY-MM-DD` of a day number. */
export function localDateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `HH:MM` (00:00 to 24:00) to minutes after local midnight. */
export function minuteOfDay(localTime: string): number {
  const m = LOCAL_TIME.exec(localTime);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`Not a local time: ${localTime}`);
  return minutes;
}

/** Monday 0 … Sunday 6 (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The day number of the Monday starting the ISO week of a day: the key the weekly cap counts by. */
export function isoWeekStart(day: number): number {
  return day - isoWeekday(day);
}
