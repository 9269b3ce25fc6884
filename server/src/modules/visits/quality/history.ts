/**
 * A connection's recent quality as time spans, so that "sustained" can be judged by how long a
 * condition held according to the samples' own timestamps, whatever the reporting cadence.
 * Plain data (JSON-safe): a connection's state can be stored or moved to another node.
 */

/** What one sample says about the time it covers. */
export interface Span {
  startMs: number;
  endMs: number;
  audioMos: number | null;
  audioLossPercent: number | null;
  /** Null when video was not measured or is off. */
  videoLossPercent: number | null;
}

export interface History {
  spans: Span[];
  /** End of the newest span (or of the last reset): samples at or before it are stale. */
  lastEndMs: number | null;
}

/** The quality fields a span is made from (a QualitySample fits). */
export interface ObservedQuality {
  timestampMs: number;
  intervalMs?: number | null;
  audio?: { mos: number | null; lossPercent: number | null } | null;
  video?: { lossPercent: number | null } | null;
}

/**
 * One sample never speaks for more than this: after a reporting gap, the gap is unknown time,
 * not time at the quality of the next report.
 */
export const MAX_SPAN_MS = 10_000;

/** A decision needs at least this many samples behind it: one report never decides alone. */
export const MIN_SAMPLES = 2;

export function emptyHistory(atMs: number | null = null): History {
  return { spans: [], lastEndMs: atMs };
}

/**
 * The history with `sample` added, or null when the sample is not newer than what is already
 * known (a duplicate or out-of-order report). The span runs from the previous sample (or the
 * sample's own interval for the first one) to the sample's timestamp, capped at MAX_SPAN_MS.
 * Spans ending before `keepSinceMs` are dropped.
 */
export function append(
  history: History,
  sample: ObservedQuality,
  withVideo: boolean,
  keepSinceMs: number,
): History | null {
  const t = sample.timestampMs;
  if (history.lastEndMs !== null && t <= history.lastEndMs) return null;
  const interval = sample.intervalMs;
  const known =
    history.lastEndMs !== null
      ? t - history.lastEndMs
      : typeof interval === 'number' && Number.isFinite(interval) && interval > 0
        ? interval
        : 0;
  const span: Span = {
    startMs: t - Math.min(known, MAX_SPAN_MS),
    endMs: t,
    audioMos: finite(sample.audio?.mos),
    audioLossPercent: finite(sample.audio?.lossPercent),
    videoLossPercent: withVideo ? finite(sample.video?.lossPercent) : null,
  };
  const spans = history.spans.filter((s) => s.endMs > keepSinceMs);
  if (span.endMs > span.startMs) spans.push(span);
  return { spans, lastEndMs: t };
}

/**
 * True when spans matching `matches` cover at least `needMs` of the window (nowMs − windowMs,
 * nowMs], from at least MIN_SAMPLES samples.
 */
export function heldFor(
  spans: readonly Span[],
  nowMs: number,
  windowMs: number,
  needMs: number,
  matches: (s: Span) => boolean,
): boolean {
  const from = nowMs - windowMs;
  let covered = 0;
  let samples = 0;
  for (const s of spans) {
    const overlap = Math.min(s.endMs, nowMs) - Math.max(s.startMs, from);
    if (overlap <= 0 || !matches(s)) continue;
    covered += overlap;
    samples++;
  }
  return samples >= MIN_SAMPLES && covered >= needMs;
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
