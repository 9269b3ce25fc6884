import { DAY_MS, isoWeekStart } from './civil.js';
import type { BusyInterval } from './types.js';
import type { ZoneOffsets } from './zone-offsets.js';

/**
 * Reused typed buffers: a search builds arrays the size of all busy rows, and allocating megabytes
 * of zeroed memory per query costs more than the search itself. Safe because a search runs to its
 * end synchronously and keeps nothing of them afterwards.
 */
const scratch = {
  f64: [] as Float64Array[],
  i32: [] as Int32Array[],
};
function f64(slot: number, length: number): Float64Array {
  let a = scratch.f64[slot];
  if (!a || a.length < length)
    scratch.f64[slot] = a = new Float64Array(Math.ceil(Math.max(length, 1024) * 1.5));
  return a;
}
function i32(slot: number, length: number): Int32Array {
  let a = scratch.i32[slot];
  if (!a || a.length < length)
    scratch.i32[slot] = a = new Int32Array(Math.ceil(Math.max(length, 1024) * 1.5));
  a.fill(0, 0, length);
  return a;
}

/** Where the busy rows may matter: taken ranges near the window, counted ones in its weeks. */
export interface BusyReach {
  takenFrom: number;
  takenTo: number;
  loadFrom: number;
  loadTo: number;
}

/**
 * The busy rows of the searched clinicians, sorted by clinician and UTC day in one counting sort
 * (no comparisons, no per-row objects) and kept twice: as taken ranges by the day they start, and
 * as counted appointments by the day they count on. A clinician's walk then sorts only the few rows
 * of each day it reaches: a search for the first fifty slots reads hours, not the whole quarter.
 */
export class BusyTable {
  readonly takenDays: number;
  /** Clinician k's rows of day d are [takenOffsets[k·takenDays + d], …[+1]). */
  readonly takenOffsets: Int32Array;
  readonly takenStarts: Float64Array;
  readonly takenEnds: Float64Array;
  readonly loadDays: number;
  readonly loadOffsets: Int32Array;
  readonly loadAt: Float64Array;
  /** How many appointments each counted row stands for (`BusyInterval.appointments`, default 1). */
  readonly loadWeight: Float64Array;

  constructor(
    busy: readonly BusyInterval[],
    clinicianIndex: ReadonlyMap<string, number>,
    readonly reach: BusyReach,
  ) {
    const clinicians = clinicianIndex.size;
    const { takenFrom, takenTo, loadFrom, loadTo } = reach;
    const takenDays = Math.max(1, Math.ceil((takenTo - takenFrom) / DAY_MS));
    const loadDays = Math.max(1, Math.ceil((loadTo - loadFrom) / DAY_MS));
    this.takenDays = takenDays;
    this.loadDays = loadDays;
    const takenKey = i32(0, busy.length);
    const loadKey = i32(1, busy.length);
    const takenOffsets = i32(2, clinicians * takenDays + 1);
    const loadOffsets = i32(3, clinicians * loadDays + 1);
    let lastId: string | undefined;
    let owner = -1;
    for (let j = 0; j < busy.length; j++) {
      const b = busy[j]!;
      // Rows usually come grouped by clinician: look the id up only when it changes.
      if (b.practitionerId !== lastId) {
        lastId = b.practitionerId;
        owner = clinicianIndex.get(lastId) ?? -1;
      }
      let tk = -1;
      let lk = -1;
      if (owner >= 0) {
        const start = b.start;
        const end = b.end;
        if (end > start && end > takenFrom && start < takenTo) {
          tk = owner * takenDays + (start < takenFrom ? 0 : Math.floor((start - takenFrom) / DAY_MS));
          takenOffsets[tk + 1]!++;
        }
        if (b.counts) {
          const at = b.appointmentStart ?? start;
          if (at >= loadFrom && at < loadTo) {
            lk = owner * loadDays + Math.floor((at - loadFrom) / DAY_MS);
            loadOffsets[lk + 1]!++;
          }
        }
      }
      takenKey[j] = tk;
      loadKey[j] = lk;
    }
    const takenRows = prefixSum(takenOffsets, clinicians * takenDays);
    const loadRows = prefixSum(loadOffsets, clinicians * loadDays);
    const takenStarts = f64(0, takenRows);
    const takenEnds = f64(1, takenRows);
    const loadAt = f64(2, loadRows);
    const loadWeight = f64(3, loadRows);
    const takenFill = i32(4, clinicians * takenDays);
    takenFill.set(takenOffsets.subarray(0, clinicians * takenDays));
    const loadFill = i32(5, clinicians * loadDays);
    loadFill.set(loadOffsets.subarray(0, clinicians * loadDays));
    for (let j = 0; j < busy.length; j++) {
      const tk = takenKey[j]!;
      const lk = loadKey[j]!;
      if (tk < 0 && lk < 0) continue;
      const b = busy[j]!;
      if (tk >= 0) {
        const at = takenFill[tk]!++;
        takenStarts[at] = b.start;
        takenEnds[at] = b.end;
      }
      if (lk >= 0) {
        const at = loadFill[lk]!++;
        loadAt[at] = b.appointmentStart ?? b.start;
        loadWeight[at] = b.appointments ?? 1;
      }
    }
    this.takenStarts = takenStarts;
    this.takenEnds = takenEnds;
    this.loadAt = loadAt;
    this.loadWeight = loadWeight;
    this.takenOffsets = takenOffsets;
    this.loadOffsets = loadOffsets;
  }
}

/** Turns counts at [1..n] into start offsets in place; returns the total. */
function prefixSum(offsets: Int32Array, n: number): number {
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  return offsets[n]!;
}

/**
 * A clinician's taken ranges in start order, walked forward by a pointer as the candidate slots
 * move forward; each day's rows are sorted when the walk first reaches them.
 */
export class TakenTime {
  private readonly firstKey: number;
  private readonly endKey: number;
  private nextKey: number;
  private sortedEnd: number;
  private index: number;

  constructor(
    private readonly table: BusyTable,
    clinician: number,
  ) {
    this.firstKey = clinician * table.takenDays;
    this.endKey = this.firstKey + table.takenDays;
    this.nextKey = this.firstKey;
    this.index = this.sortedEnd = table.takenOffsets[this.firstKey]!;
  }

  /**
   * The end of a taken range overlapping [start, end), or NaN when there is none. Calls come with
   * non-decreasing `start`. The rows are in start order: the first one ending after `start` either
   * begins before `end` (an overlap) or no later row can.
   */
  overlapEnd(start: number, end: number): number {
    const { takenStarts, takenEnds } = this.table;
    let i = this.index;
    while (this.ready(i) && takenEnds[i]! <= start) i++;
    this.index = i;
    return this.ready(i) && takenStarts[i]! < end ? takenEnds[i]! : NaN;
  }

  /** Whether row i is one of the clinician's, sorting the days up to it first. */
  private ready(i: number): boolean {
    while (i >= this.sortedEnd) {
      if (this.nextKey >= this.endKey) return false;
      const { takenOffsets, takenStarts, takenEnds } = this.table;
      const from = takenOffsets[this.nextKey]!;
      this.sortedEnd = takenOffsets[++this.nextKey]!;
      sortByStart(takenStarts, takenEnds, from, this.sortedEnd);
    }
    return true;
  }
}

/** Sorts rows [from, to) of two parallel arrays by the first. */
function sortByStart(starts: Float64Array, ends: Float64Array, from: number, to: number): void {
  if (to - from > 24) {
    // Sorting starts and ends on their own pairs the i-th smallest of each: every instant stays
    // covered as often as before, so overlap answers are unchanged, and typed sorts are native.
    starts.subarray(from, to).sort();
    ends.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    let j = i - 1;
    while (j >= from && starts[j]! > s) {
      starts[j + 1] = starts[j]!;
      ends[j + 1] = ends[j]!;
      j--;
    }
    starts[j + 1] = s;
    ends[j + 1] = e;
  }
}

/**
 * A clinician's counted appointments per local day and ISO week (Monday first) in their zone, each
 * week tallied the first time it is asked about. An appointment counts on the local date of its
 * own start, as the booking code counts it: `appointmentStart` when the row carries it, else the
 * blocked range's start (which differs only when a buffer reaches back over midnight).
 */
export class Load {
  private readonly perDay = new Map<number, number>();
  private readonly perWeek = new Map<number, number>();

  constructor(
    private readonly table: BusyTable,
    private readonly clinician: number,
    private readonly zone: ZoneOffsets,
  ) {}

  /** Counted appointments on a local day and in its ISO week. */
  on(day: number): { day: number; week: number } {
    const week = isoWeekStart(day);
    const total = this.perWeek.get(week) ?? this.tallyWeek(week);
    return { day: this.perDay.get(day) ?? 0, week: total };
  }

  private tallyWeek(week: number): number {
    const { loadDays, loadOffsets, loadAt, loadWeight, reach } = this.table;
    // A local day lies within a day of its UTC reading (offsets are under 15 hours).
    const first = clamp(Math.floor((week * DAY_MS - DAY_MS - reach.loadFrom) / DAY_MS), 0, loadDays);
    const last = clamp(Math.floor(((week + 8) * DAY_MS - reach.loadFrom) / DAY_MS), first - 1, loadDays - 1);
    const base = this.clinician * loadDays;
    let total = 0;
    for (let i = loadOffsets[base + first]!; i < loadOffsets[base + last + 1]!; i++) {
      const day = this.zone.localDayOf(loadAt[i]!);
      if (isoWeekStart(day) !== week) continue;
      const n = loadWeight[i]!;
      this.perDay.set(day, (this.perDay.get(day) ?? 0) + n);
      total += n;
    }
    this.perWeek.set(week, total);
    return total;
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}
