import { DAY_MS, MINUTE_MS, dayNumber, minuteOfDay } from './civil.js';
import { NO_INTERVALS, unionOf, type IntervalList } from './intervals.js';
import type { ClinicianAvailability, WeeklyRule } from './types.js';
import { compileRule, ruleOccursOn, type CompiledRule } from './weekly-rules.js';
import { zoneOffsets, type ZoneOffsets } from './zone-offsets.js';

/** A clinician's hours as instants: usable for every service line of theirs unless `serviceLines` says. */
export interface WorkingInterval {
  start: number;
  end: number;
  serviceLines?: string[];
}

/** The hours one stream gives: some of a clinician's rules, and the date overrides. */
export interface HoursPlan {
  zone: ZoneOffsets;
  rules: CompiledRule[];
  /** Local day → override hours as flat minute pairs; a day listed here ignores the rules. */
  overrides: Map<number, number[]>;
  /** False for a stream of line-restricted rules: an override day is then simply off for it. */
  overrideHoursApply: boolean;
}

/** Whether a rule's hours may be used for a service line. */
export function ruleServes(rule: WeeklyRule, serviceLine: string): boolean {
  return rule.serviceLines === undefined || rule.serviceLines.includes(serviceLine);
}

/**
 * The plan for one service line: the rules whose hours it may use, and the overrides (override
 * hours carry no service-line restriction: they replace the day for every line).
 */
export function planFor(
  clinician: ClinicianAvailability,
  rules: readonly WeeklyRule[],
  overrideHoursApply = true,
): HoursPlan {
  const zone = zoneOffsets(clinician.timeZone);
  const overrides = new Map<number, number[]>();
  for (const o of clinician.overrides) {
    const day = dayNumber(o.date);
    const minutes = overrides.get(day) ?? [];
    for (const iv of o.intervals) {
      const start = minuteOfDay(iv.start);
      const end = minuteOfDay(iv.end);
      if (end > start) minutes.push(start, end);
    }
    overrides.set(day, minutes);
  }
  const compiled = rules.map((r) => compileRule(r, zone)).filter((r) => r.endMinute > r.startMinute);
  return { zone, rules: compiled, overrides, overrideHoursApply };
}

/**
 * A clinician's working intervals in increasing order, expanded one local day at a time as they
 * are read, with time off cut out. Intervals never cross local midnight: each day's hours are
 * merged on their own, so the slot grid of a day never depends on where a search window began.
 */
export class WorkingIntervalStream {
  start = 0;
  end = 0;
  private day: number;
  private readonly pieces: number[] = [];
  private head = 0;
  private readonly scratch: number[] = [];
  private timeOffIndex = 0;

  constructor(
    private readonly plan: HoursPlan,
    firstDay: number,
    private readonly lastDay: number,
    private readonly timeOff: IntervalList = NO_INTERVALS,
  ) {
    this.day = firstDay;
  }

  /** Moves to the next interval (read `start` and `end`); false when there are no more. */
  next(): boolean {
    while (this.head >= this.pieces.length) {
      if (this.day > this.lastDay) return false;
      this.pieces.length = 0;
      this.head = 0;
      this.expandDay(this.day++);
    }
    this.start = this.pieces[this.head]!;
    this.end = this.pieces[this.head + 1]!;
    this.head += 2;
    return true;
  }

  private expandDay(day: number): void {
    const raw = this.scratch;
    raw.length = 0;
    const { plan } = this;
    const override = plan.overrides.size > 0 ? plan.overrides.get(day) : undefined;
    if (override !== undefined) {
      if (plan.overrideHoursApply) raw.push(...override);
    } else {
      for (const rule of plan.rules) {
        if (ruleOccursOn(rule, day)) raw.push(rule.startMinute, rule.endMinute);
      }
    }
    if (raw.length === 0) return;
    // One offset for the whole day unless a transition touches it (a couple of days a year).
    const midnight = day * DAY_MS;
    const offset = plan.zone.uniformOffsetOn(day);
    for (let i = 0; i < raw.length; i++) {
      const local = midnight + raw[i]! * MINUTE_MS;
      raw[i] = offset !== undefined ? local - offset : plan.zone.toInstant(local);
    }
    if (raw.length > 2) sortPairs(raw);
    let curStart = raw[0]!;
    let curEnd = raw[1]!;
    for (let i = 2; i < raw.length; i += 2) {
      if (raw[i]! <= curEnd) {
        if (raw[i + 1]! > curEnd) curEnd = raw[i + 1]!;
      } else {
        this.cutTimeOff(curStart, curEnd);
        curStart = raw[i]!;
        curEnd = raw[i + 1]!;
      }
    }
    this.cutTimeOff(curStart, curEnd);
  }

  private cutTimeOff(start: number, end: number): void {
    // Both a gap-swallowed interval and one whose end fell into a gap can come out empty.
    if (!(end > start)) return;
    const { starts, ends, length } = this.timeOff;
    let i = this.timeOffIndex;
    while (i < length && ends[i]! <= start) i++;
    this.timeOffIndex = i;
    let from = start;
    for (; i < length && starts[i]! < end; i++) {
      if (starts[i]! > from) this.pieces.push(from, starts[i]!);
      if (ends[i]! > from) from = ends[i]!;
      if (from >= end) return;
    }
    this.pieces.push(from, end);
  }
}

/** Insertion sort of [start, end] pairs by start: a day has a handful of them. */
function sortPairs(pairs: number[]): void {
  for (let i = 2; i < pairs.length; i += 2) {
    const s = pairs[i]!;
    const e = pairs[i + 1]!;
    let j = i - 2;
    while (j >= 0 && pairs[j]! > s) {
      pairs[j + 2] = pairs[j]!;
      pairs[j + 3] = pairs[j + 1]!;
      j -= 2;
    }
    pairs[j + 2] = s;
    pairs[j + 3] = e;
  }
}

/**
 * A clinician's working intervals overlapping [fromMs, toMs), clipped to it, earliest first: the
 * weekly rules in their own zone, overrides replacing their dates, time off cut out.
 *
 * With `serviceLine`, only the hours usable for that line, merged (what slot search uses).
 * Without, each group of rules with the same `serviceLines` is merged on its own, the group
 * carrying its lines; override hours belong to the unrestricted group.
 */
export function expandAvailability(
  clinician: ClinicianAvailability,
  fromMs: number,
  toMs: number,
  options: { serviceLine?: string } = {},
): WorkingInterval[] {
  if (!(toMs > fromMs)) return [];
  const zone = zoneOffsets(clinician.timeZone);
  const firstDay = zone.localDayOf(fromMs) - 1;
  const lastDay = zone.localDayOf(toMs) + 1;
  const timeOff = unionOf(clinician.timeOff);
  const out: WorkingInterval[] = [];
  const collect = (plan: HoursPlan, serviceLines?: string[]): void => {
    const stream = new WorkingIntervalStream(plan, firstDay, lastDay, timeOff);
    while (stream.next()) {
      const start = Math.max(stream.start, fromMs);
      const end = Math.min(stream.end, toMs);
      if (start < end)
        out.push(serviceLines ? { start, end, serviceLines: [...serviceLines] } : { start, end });
    }
  };
  const { serviceLine } = options;
  if (serviceLine !== undefined) {
    collect(
      planFor(
        clinician,
        clinician.rules.filter((r) => ruleServes(r, serviceLine)),
      ),
    );
    return out;
  }
  const groups = new Map<string, { lines: string[]; rules: WeeklyRule[] }>();
  for (const rule of clinician.rules) {
    const lines = rule.serviceLines ? [...new Set(rule.serviceLines)].sort() : [];
    const key = rule.serviceLines ? JSON.stringify(lines) : '*';
    const group = groups.get(key) ?? { lines, rules: [] };
    group.rules.push(rule);
    groups.set(key, group);
  }
  collect(planFor(clinician, groups.get('*')?.rules ?? []));
  for (const [key, group] of groups) {
    if (key !== '*') collect(planFor(clinician, group.rules, false), group.lines);
  }
  return out.sort((a, b) => a.start - b.start);
}
