import type { WeeklyRule } from './scheduling.js';

/**
 * A clinician's weekly hours as the hours editor shows them (weekday × from–to) and as the server
 * keeps them (RRULEs `FREQ=WEEKLY;BYDAY=…` with local start and end times). Rules the simple
 * editor cannot show faithfully (every other week, until a date, for one service line, starting
 * later) are kept as they are, beside it.
 */

export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

export interface Interval {
  start: string;
  end: string;
}

/** Index 0 Monday … 6 Sunday: that day's working intervals. */
export type WeekHours = Interval[][];

export interface ParsedHours {
  hours: WeekHours;
  /** Rules left as they are (shown read-only, saved unchanged). */
  kept: WeeklyRule[];
  /** The earliest `validFrom` of the rules the editor took over, if any. */
  validFrom: string | undefined;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export function emptyWeek(): WeekHours {
  return WEEKDAY_CODES.map(() => []);
}

/** The weekdays (0 Monday … 6 Sunday) of a plain weekly rule, or null when it is more than that. */
export function plainWeekdays(rrule: string): number[] | null {
  const parts = rrule
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase()
    .split(';');
  let days: number[] | null = null;
  let weekly = false;
  for (const part of parts) {
    const [key, value = ''] = part.split('=');
    if (key === 'FREQ' && value === 'WEEKLY') weekly = true;
    else if (key === 'BYDAY') {
      const codes = value.split(',');
      const found = codes.map((c) => WEEKDAY_CODES.indexOf(c as (typeof WEEKDAY_CODES)[number]));
      if (found.some((d) => d < 0)) return null;
      days = found;
    } else if (key === 'INTERVAL' && value === '1') continue;
    else if (key === 'WKST') continue;
    else return null;
  }
  return weekly && days ? [...new Set(days)].sort((a, b) => a - b) : null;
}

/** The editor's view of a clinician's rules on `today` (`YYYY-MM-DD`, the clinician's day). */
export function parseWeeklyHours(rules: readonly WeeklyRule[], today: string): ParsedHours {
  const hours = emptyWeek();
  const kept: WeeklyRule[] = [];
  let validFrom: string | undefined;
  for (const rule of rules) {
    const days = plainWeekdays(rule.rrule);
    const plain =
      days !== null &&
      rule.validUntil === undefined &&
      rule.serviceLines === undefined &&
      rule.validFrom <= today &&
      TIME.test(rule.start) &&
      TIME.test(rule.end);
    if (!plain) {
      kept.push(rule);
      continue;
    }
    for (const d of days) hours[d]!.push({ start: rule.start, end: rule.end });
    if (validFrom === undefined || rule.validFrom < validFrom) validFrom = rule.validFrom;
  }
  for (const day of hours) day.sort(byStart);
  return { hours, kept, validFrom };
}

function byStart(a: Interval, b: Interval): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0;
}

/**
 * The rules for the editor's hours: one per distinct from–to, on every weekday that has it
 * (`FREQ=WEEKLY;BYDAY=MO,TU,WE`), earliest first; valid from `validFrom`.
 */
export function buildWeeklyRules(hours: WeekHours, validFrom: string): WeeklyRule[] {
  const byInterval = new Map<string, { interval: Interval; days: Set<number> }>();
  hours.forEach((intervals, day) => {
    for (const iv of intervals) {
      const key = `${iv.start}-${iv.end}`;
      const entry = byInterval.get(key) ?? { interval: iv, days: new Set<number>() };
      entry.days.add(day);
      byInterval.set(key, entry);
    }
  });
  return [...byInterval.values()]
    .sort((a, b) => byStart(a.interval, b.interval))
    .map(({ interval, days }) => ({
      rrule: `FREQ=WEEKLY;BYDAY=${[...days]
        .sort((a, b) => a - b)
        .map((d) => WEEKDAY_CODES[d])
        .join(',')}`,
      start: interval.start,
      end: interval.end,
      validFrom,
    }));
}

export type HoursProblem = { day: number; index: number; problem: 'incomplete' | 'order' | 'overlap' };

/** What is wrong with the hours as entered: a missing time, an end not after its start, an overlap. */
export function hoursProblems(hours: WeekHours): HoursProblem[] {
  const problems: HoursProblem[] = [];
  hours.forEach((intervals, day) => {
    intervals.forEach((iv, index) => {
      if (!TIME.test(iv.start) || !TIME.test(iv.end)) problems.push({ day, index, problem: 'incomplete' });
      else if (iv.end <= iv.start) problems.push({ day, index, problem: 'order' });
      else if (
        intervals.some(
          (other, j) => j !== index && TIME.test(other.start) && other.start < iv.end && iv.start < other.end,
        )
      )
        problems.push({ day, index, problem: 'overlap' });
    });
  });
  return problems;
}
