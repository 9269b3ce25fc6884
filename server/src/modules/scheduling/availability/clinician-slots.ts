import type { IntervalList } from './intervals.js';
import type { Load, TakenTime } from './taken-time.js';
import type { Slot } from './types.js';
import type { WorkingIntervalStream } from './working-hours.js';
import type { ZoneOffsets } from './zone-offsets.js';

/** What every clinician's slots share in one search, in milliseconds. */
export interface SlotShape {
  /** Slot starts lie in [windowStart, windowEnd]. */
  windowStart: number;
  windowEnd: number;
  duration: number;
  step: number;
  before: number;
  after: number;
}

/** A clinician's caps and current load. */
export interface Caps {
  zone: ZoneOffsets;
  maxPerDay: number;
  maxPerWeek: number;
  load: Load;
}

/**
 * One clinician's free slots in increasing order, produced on demand up to a given instant so that
 * a search wanting the first fifty across hundreds of clinicians expands only their first hours.
 */
export class ClinicianSlots {
  done = false;
  private inInterval = false;
  private intervalStart = 0;
  private intervalEnd = 0;
  /** The next grid start to try. */
  private next = 0;
  private timeOffIndex = 0;

  constructor(
    readonly practitionerId: string,
    private readonly hours: WorkingIntervalStream,
    private readonly shape: SlotShape,
    /** Other bookings' blocked ranges, buffers included. */
    private readonly taken: TakenTime,
    private readonly timeOff: IntervalList,
    private readonly caps: Caps | undefined,
  ) {}

  /** Appends the slots starting before `until` (and not yet given) to `out`. */
  emitBefore(until: number, out: Slot[]): void {
    const { duration, step, before, after, windowEnd } = this.shape;
    while (!this.done) {
      if (!this.inInterval && !this.enterInterval()) return;
      const start = this.next;
      if (start > windowEnd) {
        // Past the window: done only once a whole interval begins after it. An earlier interval
        // whose grid, brought up to the window's start, overshoots a short window (a booking
        // checks one instant) must not hide the next interval, whose own grid may hit it.
        if (this.intervalStart > windowEnd) {
          this.done = true;
          return;
        }
        this.inInterval = false;
        continue;
      }
      if (start >= until) return;
      const end = start + duration;
      if (end > this.intervalEnd) {
        this.inInterval = false;
        continue;
      }
      const blockedStart = start - before;
      const blockedEnd = end + after;
      // Past an overlapping range, the first grid start whose blocked range begins after it.
      const takenEnd = this.taken.overlapEnd(blockedStart, blockedEnd);
      if (!Number.isNaN(takenEnd)) {
        this.next = nextOnGrid(start, takenEnd + before, step);
        continue;
      }
      const timeOffEnd = this.timeOffOverlapEnd(blockedStart, blockedEnd);
      if (!Number.isNaN(timeOffEnd)) {
        this.next = nextOnGrid(start, timeOffEnd + before, step);
        continue;
      }
      out.push({ practitionerId: this.practitionerId, start, end });
      this.next = start + step;
    }
  }

  /**
   * Moves to the next working interval, its grid starting at the interval's start (brought up to
   * the window's start on that grid). False, and done, when none is left.
   */
  private enterInterval(): boolean {
    const { windowStart, step } = this.shape;
    for (;;) {
      if (!this.hours.next()) {
        this.done = true;
        return false;
      }
      if (this.caps && this.dayIsFull(this.hours.start)) continue;
      this.inInterval = true;
      this.intervalStart = this.hours.start;
      this.intervalEnd = this.hours.end;
      this.next = this.hours.start;
      if (this.next < windowStart) this.next = nextOnGrid(this.next, windowStart, step);
      return true;
    }
  }

  /** An interval never crosses local midnight, so its start's day is every slot's day in it. */
  private dayIsFull(instant: number): boolean {
    const { zone, maxPerDay, maxPerWeek, load } = this.caps!;
    const count = load.on(zone.localDayOf(instant));
    return count.day >= maxPerDay || count.week >= maxPerWeek;
  }

  /** The end of a time off overlapping [start, end), or NaN; starts only move forward. */
  private timeOffOverlapEnd(start: number, end: number): number {
    const { starts, ends, length } = this.timeOff;
    let i = this.timeOffIndex;
    while (i < length && ends[i]! <= start) i++;
    this.timeOffIndex = i;
    return i < length && starts[i]! < end ? ends[i]! : NaN;
  }
}

/** The first start at or after `atLeast` on the grid of starts `step` apart through `from`. */
function nextOnGrid(from: number, atLeast: number, step: number): number {
  return from + Math.ceil((atLeast - from) / step) * step;
}
