import type { Locale } from './translate.js';

/**
 * A FHIR date (`2019-04-02`) or dateTime, for people: dates without a time are calendar dates and
 * are never shifted by a time zone; instants are shown in the user's zone.
 */
export function formatDate(value: string, locale: Locale, timeZone: string): string {
  const dateOnly = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(value);
  if (dateOnly) {
    const [, y, m, d] = dateOnly;
    const date = new Date(Date.UTC(Number(y), Number(m ?? 1) - 1, Number(d ?? 1)));
    const opts: Intl.DateTimeFormatOptions = { timeZone: 'UTC', year: 'numeric' };
    if (m) opts.month = 'long';
    if (d) opts.day = 'numeric';
    return new Intl.DateTimeFormat(locale, opts).format(date);
  }
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(instant);
}

/** Whole years between a birth date and `now`. */
export function ageOn(birthDate: string, now: Date): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) age--;
  return age;
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}

const DAY: Intl.DateTimeFormatOptions = { weekday: 'long', month: 'long', day: 'numeric' };
const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

/** A day of an instant in the user's zone, for headings of a day's times: "Wednesday, November 25". */
export function formatDay(ms: number, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { ...DAY, timeZone }).format(ms);
}

/** A time of day in the user's zone: "9:00 AM", "9:00". */
export function formatTime(ms: number, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { ...TIME, timeZone }).format(ms);
}

/** When a visit is, in full: "Wednesday, November 25, 2026, 9:00 AM EST" (the zone's short name). */
export function formatWhen(value: string | number, locale: Locale, timeZone: string): string {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return String(value);
  return new Intl.DateTimeFormat(locale, {
    ...DAY,
    ...TIME,
    year: 'numeric',
    timeZone,
    timeZoneName: 'short',
  }).format(ms);
}

/** A calendar date (`YYYY-MM-DD`) with its weekday, never shifted by a zone: "Monday, March 9". */
export function formatCalendarDay(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { ...DAY, timeZone: 'UTC' }).format(
    Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1),
  );
}
