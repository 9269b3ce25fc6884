import { DAY_MS, dayNumber, isoWeekday, minuteOfDay } from './civil.js';
import type { WeeklyRule } from './types.js';
import { parseWeeklyRecurrence } from './weekly-recurrence.js';
import type { ZoneOffsets } from './zone-offsets.js';

/** A weekly rule reduced to day-number arithmetic: whether it gives hours on a day is O(1). */
export interface CompiledRule {
  /** First and last local day (inclusive) it can give hours; lastDay may be Infinity. */
  firstDay: number;
  lastDay: number;
  startMinute: number;
  endMinute: number;
  weekdays: number;
  months: number;
  interval: number;
  weekStart: number;
  /** Start of the WKST-week holding firstDay: INTERVAL counts weeks from there (RFC 5545). */
  anchorWeek: number;
}

const ALL_MONTHS = 0xfff;
const compiled = new Map<string, CompiledRule>();

/**
 * A rule compiled for a zone (the zone matters only for a UTC UNTIL). Remembered by its text, since
 * each query reads clinicians afresh from storage and the same few rules recur.
 */
export function compileRule(rule: WeeklyRule, zone: ZoneOffsets): CompiledRule {
  const key = `${zone.timeZone}\u0000${rule.rrule}\u0000${rule.validFrom}\u0000${rule.validUntil ?? ''}\u0000${rule.start}\u0000${rule.end}`;
  let c = compiled.get(key);
  if (!c) {
    c = compile(rule, zone);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(key, c);
  }
  return c;
}

/** Whether the rule gives its hours on a local day. */
export function ruleOccursOn(rule: CompiledRule, day: number): boolean {
  if (day < rule.firstDay || day > rule.lastDay) return false;
  return recurs(rule, day);
}

function recurs(rule: CompiledRule, day: number): boolean {
  const weekday = isoWeekday(day);
  if ((rule.weekdays & (1 << weekday)) === 0) return false;
  if (rule.interval > 1) {
    const weekStartDay = day - ((weekday - rule.weekStart + 7) % 7);
    if (((weekStartDay - rule.anchorWeek) / 7) % rule.interval !== 0) return false;
  }
  if (rule.months !== ALL_MONTHS && (rule.months & (1 << new Date(day * DAY_MS).getUTCMonth())) === 0)
    return false;
  return true;
}

function compile(rule: WeeklyRule, zone: ZoneOffsets): CompiledRule {
  const rec = parseWeeklyRecurrence(rule.rrule);
  const firstDay = dayNumber(rule.validFrom);
  const firstWeekday = isoWeekday(firstDay);
  const c: CompiledRule = {
    firstDay,
    lastDay: rule.validUntil === undefined ? Infinity : dayNumber(rule.validUntil),
    startMinute: minuteOfDay(rule.start),
    endMinute: minuteOfDay(rule.end),
    weekdays: rec.weekdays === 0 ? 1 << firstWeekday : rec.weekdays,
    months: rec.months,
    interval: rec.interval,
    weekStart: rec.weekStart,
    anchorWeek: firstDay - ((firstWeekday - rec.weekStart + 7) % 7),
  };
  if (rec.until) {
    const untilDay = dayNumber(rec.until.date);
    let lastDay = untilDay;
    if (rec.until.secondOfDay !== undefined) {
      // UNTIL bounds the occurrences' starts (DTSTART is validFrom at the rule's start time).
      let local = untilDay * DAY_MS + rec.until.secondOfDay * 1000;
      if (rec.until.utc) local += zone.offsetAt(local);
      const localDay = Math.floor(local / DAY_MS);
      lastDay = c.startMinute * 60_000 <= local - localDay * DAY_MS ? localDay : localDay - 1;
    }
    c.lastDay = Math.min(c.lastDay, lastDay);
  }
  if (rec.count !== undefined) {
    let seen = 0;
    // Bounded walk (COUNT is at most six digits): remembered with the compiled rule.
    for (let day = firstDay; day <= c.lastDay; day++) {
      if (recurs(c, day) && ++seen === rec.count) {
        c.lastDay = day;
        break;
      }
      if (day - firstDay > 366 * 200) break;
    }
  }
  return c;
}
