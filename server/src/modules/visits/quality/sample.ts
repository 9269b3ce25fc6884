/**
 * One interval's quality sample from two successive WebRTC getStats() snapshots taken by a client.
 *
 * Byte, packet and frame counts in getStats() are cumulative since the stream started, so rates
 * come from the difference between snapshots; jitter and round-trip time are current values and
 * are taken from the newer snapshot. Snapshots arrive from browsers over the network, so any field
 * may be missing or garbage: such a field yields null rather than a made-up number.
 */
import { OPUS, type CodecProfile } from './codecs.js';
import { estimateMos } from './e-model.js';
import { QualityInputError } from './errors.js';

/** One kind's receive-side statistics, as in an `inbound-rtp` report (jitter and RTT in seconds, as getStats() gives them). */
export interface MediaStatsSnapshot {
  bytesReceived?: number;
  packetsReceived?: number;
  /** Cumulative loss; may go down, since RFC 3550 counts duplicates against it. */
  packetsLost?: number;
  /** Interarrival jitter, seconds. */
  jitter?: number;
  /** Round-trip time, seconds (from `remote-inbound-rtp` or the selected candidate pair). */
  roundTripTime?: number;
  framesDecoded?: number;
}

export interface StatsSnapshot {
  /** When the client took the snapshot (the getStats() report's timestamp), epoch ms. */
  timestampMs: number;
  audio?: MediaStatsSnapshot;
  video?: MediaStatsSnapshot;
}

/** A kind's quality over one interval; null wherever the snapshots do not tell. */
export interface MediaSample {
  bitrateKbps: number | null;
  lossPercent: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  framesDecodedPerSec: number | null;
  /** E-model MOS for audio; always null for video, which the E-model does not rate. */
  mos: number | null;
  /**
   * The stream (re)started within the interval: a counter went down, or the kind was absent from
   * the previous snapshot. Loss then covers the packets since the restart; rates are null because
   * when the restart happened is unknown.
   */
  restarted: boolean;
}

export interface QualitySample {
  timestampMs: number;
  /** Time between the two snapshots; null for the first snapshot or a non-increasing timestamp. */
  intervalMs: number | null;
  audio: MediaSample | null;
  video: MediaSample | null;
}

export interface SampleOptions {
  /** The audio codec for the MOS estimate; defaults to OPUS. */
  codec?: CodecProfile;
}

/**
 * The sample for the interval ending at `current`. `previous` is the snapshot before it from the
 * same connection, or null for the first one. Throws QualityInputError only when `current` has no
 * usable timestamp, since a sample must be placed in time.
 */
export function qualitySample(
  previous: StatsSnapshot | null,
  current: StatsSnapshot,
  options: SampleOptions = {},
): QualitySample {
  const t = current.timestampMs;
  if (typeof t !== 'number' || !Number.isFinite(t))
    throw new QualityInputError('timestampMs', `must be a finite number, got ${String(t)}`);
  const prevT = previous?.timestampMs;
  const intervalMs = typeof prevT === 'number' && Number.isFinite(prevT) && t > prevT ? t - prevT : null;
  const codec = options.codec ?? OPUS;
  const media = (kind: 'audio' | 'video'): MediaSample | null => {
    const cur = current[kind];
    if (!isObject(cur)) return null;
    // Without any previous snapshot there is no interval at all; a previous snapshot without this
    // kind means the stream began since then.
    const prev = previous === null ? undefined : isObject(previous[kind]) ? previous[kind] : null;
    return mediaSample(kind, prev, cur, intervalMs, codec);
  };
  return { timestampMs: t, intervalMs, audio: media('audio'), video: media('video') };
}

/**
 * `prev` undefined: no earlier snapshot of the connection (nothing interval-based is known);
 * null: the kind started since the previous snapshot (a fresh start).
 */
function mediaSample(
  kind: 'audio' | 'video',
  prev: MediaStatsSnapshot | null | undefined,
  cur: MediaStatsSnapshot,
  intervalMs: number | null,
  codec: CodecProfile,
): MediaSample {
  const jitterMs = seconds(cur.jitter);
  const rttMs = seconds(cur.roundTripTime);
  let bitrateKbps: number | null = null;
  let framesDecodedPerSec: number | null = null;
  let lossPercent: number | null = null;
  let restarted = false;

  if (prev !== undefined) {
    restarted = prev === null || wentDown(prev, cur);
    // After a restart the current counters are exactly what accumulated since it, all inside
    // the interval: fine for a loss ratio, but not for a rate over the whole interval.
    const base: MediaStatsSnapshot = prev ?? {};
    const received = delta(count(cur.packetsReceived), count(base.packetsReceived), restarted);
    const lostDelta = delta(signed(cur.packetsLost), signed(base.packetsLost), restarted);
    // Cumulative loss falls when duplicates arrive; that is not negative loss in this interval.
    const lost = lostDelta === null ? null : Math.max(0, lostDelta);
    if (received !== null && lost !== null && received + lost > 0)
      lossPercent = (100 * lost) / (received + lost);

    if (!restarted && intervalMs !== null) {
      const bytes = delta(count(cur.bytesReceived), count(base.bytesReceived), false);
      if (bytes !== null) bitrateKbps = (bytes * 8) / intervalMs; // bits per ms is kbit/s
      const frames = delta(count(cur.framesDecoded), count(base.framesDecoded), false);
      if (frames !== null) framesDecodedPerSec = (frames * 1000) / intervalMs;
    }
  }

  const mos =
    kind === 'audio' && lossPercent !== null && jitterMs !== null && rttMs !== null
      ? estimateMos({ rttMs, jitterMs, packetLossPercent: lossPercent, codec })
      : null;
  return { bitrateKbps, lossPercent, jitterMs, rttMs, framesDecodedPerSec, mos, restarted };
}

/** True when a counter that only grows within one stream is lower than before: the stream restarted. */
function wentDown(prev: MediaStatsSnapshot, cur: MediaStatsSnapshot): boolean {
  for (const key of ['bytesReceived', 'packetsReceived', 'framesDecoded'] as const) {
    const before = count(prev[key]);
    const now = count(cur[key]);
    if (before !== null && now !== null && now < before) return true;
  }
  return false;
}

/** now − before; after a restart `before` is zero. Null when either side is unknown. */
function delta(now: number | null, before: number | null, restarted: boolean): number | null {
  if (now === null) return null;
  if (restarted) return now;
  return before === null ? null : now - before;
}

/** A counter: a finite, non-negative number, or null. */
function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

function signed(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** getStats() seconds to milliseconds; null when not a finite, non-negative number. */
function seconds(v: unknown): number | null {
  const s = count(v);
  return s === null ? null : s * 1000;
}

function isObject(v: unknown): v is MediaStatsSnapshot {
  return typeof v === 'object' && v !== null;
}
