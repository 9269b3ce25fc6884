import { DAY_MS } from './civil.js';

/**
 * A time zone's UTC offsets as a table of segments, built from Intl once per zone and year and then
 * read with a binary search over a handful of entries: the search converts tens of thousands of
 * local times per query, and Intl costs microseconds a call.
 *
 * Local times are "local epoch" milliseconds: the wall-clock reading written as if it were UTC
 * (local midnight of day number d is d * DAY_MS).
 */
export class ZoneOffsets {
  /** Segment i starts at instant `starts[i]` (segment 0 at the start of what is covered). */
  private starts: number[] = [];
  /** The offset (local − UTC, in ms) throughout segment i. */
  private offsets: number[] = [];
  /** The local times segment i shows: [localStarts[i], localEnds[i]). */
  private localStarts: number[] = [];
  private localEnds: number[] = [];
  private coveredFrom = 0;
  private coveredTo = 0;
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    // Throws a RangeError for a zone Intl does not know: configuration is checked upstream.
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  /** Local − UTC at an instant, in milliseconds. */
  offsetAt(instant: number): number {
    this.cover(instant);
    return this.offsets[lastAtOrBelow(this.starts, instant)]!;
  }

  /** The local day number an instant falls on. */
  localDayOf(instant: number): number {
    return Math.floor((instant + this.offsetAt(instant)) / DAY_MS);
  }

  /**
   * The instant a local time names. A time in a spring-forward gap does not exist: it moves forward
   * to the first instant after the gap (the transition itself). A time shown twice at a fall-back
   * takes the first (earlier) instant.
   */
  toInstant(local: number): number {
    this.cover(local - DAY_MS);
    this.cover(local + DAY_MS);
    const i = lastAtOrBelow(this.localStarts, local);
    if (local < this.localEnds[i]!) {
      if (i > 0 && local < this.localEnds[i - 1]!) return local - this.offsets[i - 1]!;
      return local - this.offsets[i]!;
    }
    return this.starts[i + 1]!;
  }

  /**
   * The offset of a whole local day (00:00 through 24:00) when no transition touches it, else
   * undefined: the caller converts that day's times one by one with `toInstant`.
   */
  uniformOffsetOn(day: number): number | undefined {
    const dayStart = day * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    this.cover(dayStart - DAY_MS);
    this.cover(dayEnd + DAY_MS);
    const i = lastAtOrBelow(this.localStarts, dayStart);
    if (dayEnd >= this.localEnds[i]!) return undefined;
    if (i > 0 && dayStart < this.localEnds[i - 1]!) return undefined;
    return this.offsets[i];
  }

  private cover(instant: number): void {
    if (instant >= this.coveredFrom && instant < this.coveredTo) return;
    if (!Number.isFinite(instant)) throw new RangeError('Not an instant');
    const year = new Date(instant).getUTCFullYear();
    if (this.starts.length === 0) {
      // A first use covers the year around it and the next: a search spans at most a few months.
      this.coveredFrom = Date.UTC(year - 1, 0, 1);
      this.coveredTo = Date.UTC(year + 2, 0, 1);
      const scanned = this.scan(this.coveredFrom, this.coveredTo);
      this.starts = [this.coveredFrom, ...scanned.at];
      this.offsets = [scanned.first, ...scanned.offsets];
    } else if (instant < this.coveredFrom) {
      const from = Date.UTC(year, 0, 1);
      const scanned = this.scan(from, this.coveredFrom);
      this.starts = [from, ...scanned.at, ...this.starts.slice(1)];
      this.offsets = [scanned.first, ...scanned.offsets, ...this.offsets.slice(1)];
      this.coveredFrom = from;
    } else {
      const to = Date.UTC(year + 1, 0, 1);
      const scanned = this.scan(this.coveredTo, to);
      this.starts = [...this.starts, ...scanned.at];
      this.offsets = [...this.offsets, ...scanned.offsets];
      this.coveredTo = to;
    }
    this.localStarts = this.starts.map((s, i) => (i === 0 ? -Infinity : s + this.offsets[i]!));
    this.localEnds = this.starts.map((_, i) =>
      i + 1 < this.starts.length ? this.starts[i + 1]! + this.offsets[i]! : Infinity,
    );
  }

  /**
   * The transitions in (from, to], found by sampling daily and bisecting to the second. Two
   * transitions within one day of each other would be missed; no zone has had such since 1970.
   */
  private scan(from: number, to: number): { first: number; at: number[]; offsets: number[] } {
    const at: number[] = [];
    const offsets: number[] = [];
    const first = this.intlOffset(from);
    let before = from;
    let beforeOffset = first;
    for (let sample = from + DAY_MS; before < to; sample += DAY_MS) {
      const end = Math.min(sample, to);
      const endOffset = this.intlOffset(end);
      let lo = before;
      let loOffset = beforeOffset;
      while (loOffset !== endOffset) {
        // Smallest second in (lo, end] whose offset differs from lo's.
        let hi = end;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.intlOffset(mid) === loOffset) lo = mid;
          else hi = mid;
        }
        loOffset = this.intlOffset(hi);
        at.push(hi);
        offsets.push(loOffset);
        lo = hi;
      }
      before = end;
      beforeOffset = endOffset;
    }
    return { first, at, offsets };
  }

  private intlOffset(instant: number): number {
    // "…, GMT-05:00" (seconds too for old local mean times; bare "GMT" for UTC in some ICU data).
    const m = OFFSET.exec(this.format.format(instant));
    if (!m) throw new RangeError(`No UTC offset for ${this.timeZone}`);
    if (m[1] === undefined) return 0;
    const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000;
    return m[1] === '-' ? -ms : ms;
  }
}

const OFFSET = /GMT(?:([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** The index of the last entry ≤ value in an ascending list whose first entry is ≤ every value. */
function lastAtOrBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const zones = new Map<string, ZoneOffsets>();

/** The shared offset table of a zone (tables are immutable facts, so one per process). */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = new ZoneOffsets(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}
