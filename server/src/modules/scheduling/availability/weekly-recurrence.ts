/**
 * The part of RFC 5545 RRULE that weekly working hours use: FREQ=WEEKLY with INTERVAL, BYDAY
 * (plain weekdays), WKST, BYMONTH, UNTIL and COUNT. Anything else is refused rather than half
 * understood: a rule that silently meant something else would offer wrong hours to patients.
 */

export interface WeeklyRecurrence {
  interval: number;
  /** Bit i set: ISO weekday i (Monday 0 … Sunday 6); 0 when BYDAY is absent (DTSTART's weekday). */
  weekdays: number;
  /** ISO weekday the weeks counted by INTERVAL start on (WKST, default Monday). */
  weekStart: number;
  /** Bit m − 1 set: month m allowed (all when BYMONTH is absent). */
  months: number;
  count?: number;
  until?: RecurrenceUntil;
}

/** UNTIL as written: a date, a floating local date-time, or a UTC date-time. */
export interface RecurrenceUntil {
  date: string;
  /** Seconds after midnight, when UNTIL has a time. */
  secondOfDay?: number;
  utc: boolean;
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const ALL_MONTHS = 0xfff;
const UNTIL = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/;
const POSITIVE_INT = /^[1-9]\d{0,5}$/;

const parsed = new Map<string, WeeklyRecurrence>();

/** Parses (and remembers) a weekly RRULE; throws a RangeError naming the part it does not take. */
export function parseWeeklyRecurrence(rrule: string): WeeklyRecurrence {
  let rec = parsed.get(rrule);
  if (!rec) {
    rec = parse(rrule);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(rrule, rec);
  }
  return rec;
}

function parse(rrule: string): WeeklyRecurrence {
  const body = rrule.trim().replace(/^RRULE:/i, '');
  const rec: WeeklyRecurrence = { interval: 1, weekdays: 0, weekStart: 0, months: ALL_MONTHS };
  const seen = new Set<string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).toUpperCase();
    const value = part.slice(eq + 1).toUpperCase();
    if (eq <= 0 || value === '') throw new RangeError(`RRULE part is malformed: ${part}`);
    if (seen.has(key)) throw new RangeError(`RRULE part is repeated: ${key}`);
    seen.add(key);
    switch (key) {
      case 'FREQ':
        if (value !== 'WEEKLY') throw new RangeError('RRULE FREQ must be WEEKLY');
        break;
      case 'INTERVAL':
        rec.interval = positiveInt(key, value);
        break;
      case 'COUNT':
        rec.count = positiveInt(key, value);
        break;
      case 'WKST':
        rec.weekStart = weekday(value);
        break;
      case 'BYDAY':
        for (const d of value.split(',')) rec.weekdays |= 1 << weekday(d);
        break;
      case 'BYMONTH':
        rec.months = 0;
        for (const m of value.split(',')) {
          const month = positiveInt(key, m);
          if (month > 12) throw new RangeError(`RRULE BYMONTH is not a month: ${m}`);
          rec.months |= 1 << (month - 1);
        }
        break;
      case 'UNTIL':
        rec.until = until(value);
        break;
      default:
        throw new RangeError(`RRULE part is not supported for weekly hours: ${key}`);
    }
  }
  if (!seen.has('FREQ')) throw new RangeError('RRULE needs FREQ=WEEKLY');
  if (rec.count !== undefined && rec.until) throw new RangeError('RRULE takes COUNT or UNTIL, not both');
  return rec;
}

function positiveInt(key: string, value: string): number {
  if (!POSITIVE_INT.test(value)) throw new RangeError(`RRULE ${key} must be a positive whole number`);
  return Number(value);
}

function weekday(code: string): number {
  const i = WEEKDAYS.indexOf(code);
  // A numbered weekday (1MO, -1FR) only means something for monthly and yearly rules.
  if (i < 0) throw new RangeError(`RRULE weekday is not plain: ${code}`);
  return i;
}

function until(value: string): RecurrenceUntil {
  const m = UNTIL.exec(value);
  if (!m) throw new RangeError('RRULE UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSS[Z]');
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) return { date, utc: false };
  const secondOfDay = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
  return { date, secondOfDay, utc: m[7] === 'Z' };
}
