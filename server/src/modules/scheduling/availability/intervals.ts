/**
 * Sorted, disjoint instant ranges in typed arrays, built once per clinician and query and then
 * walked with a pointer: the slot loop never searches or allocates.
 */
export interface IntervalList {
  starts: Float64Array;
  ends: Float64Array;
  length: number;
}

export const NO_INTERVALS: IntervalList = {
  starts: new Float64Array(0),
  ends: new Float64Array(0),
  length: 0,
};

/** The union of ranges as a sorted disjoint list (touching ranges join). */
export function unionOf(ranges: readonly { start: number; end: number }[]): IntervalList {
  const starts = new Float64Array(ranges.length);
  const ends = new Float64Array(ranges.length);
  let n = 0;
  for (const r of ranges) {
    if (!(r.end > r.start)) continue;
    starts[n] = r.start;
    ends[n] = r.end;
    n++;
  }
  return unionInPlace(starts, ends, n);
}

/**
 * Merges n ranges held in two arrays, in place. When the starts are out of order both arrays are
 * sorted on their own: pairing the i-th smallest start with the i-th smallest end leaves every
 * instant covered by as many ranges as before, so the union is the same, and typed-array sorts
 * are native and far cheaper than sorting objects.
 */
export function unionInPlace(starts: Float64Array, ends: Float64Array, n: number): IntervalList {
  if (n === 0) return NO_INTERVALS;
  let ordered = true;
  for (let i = 1; i < n; i++) {
    if (starts[i]! < starts[i - 1]!) {
      ordered = false;
      break;
    }
  }
  if (!ordered) {
    starts.subarray(0, n).sort();
    ends.subarray(0, n).sort();
  }
  let out = 0;
  let curStart = starts[0]!;
  let curEnd = ends[0]!;
  for (let i = 1; i < n; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    if (s <= curEnd) {
      if (e > curEnd) curEnd = e;
    } else {
      starts[out] = curStart;
      ends[out] = curEnd;
      out++;
      curStart = s;
      curEnd = e;
    }
  }
  starts[out] = curStart;
  ends[out] = curEnd;
  out++;
  return { starts, ends, length: out };
}
