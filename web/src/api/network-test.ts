import { ApiError, kindOfStatus } from './api-error.js';
import type { TokenSource } from './fhir-client.js';

/**
 * The network part of the device check: download and upload rates and the round trip to
 * OpenVisit, measured against the visits module's network-test routes
 * (server/src/modules/visits/checkin/network-test-routes.ts). Coarse on purpose: it says whether
 * video is worth trying, not what the call will get (the call adapts and is watched as it goes).
 */

/** `fetch` for OpenVisit's own paths (`/api/…`) with the signed-in user's bearer token. */
export type AuthFetch = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * An AuthFetch from the session's tokens (as `useAuth()` builds the FHIR client's): the bearer
 * token on every request, renewed once when the server refuses it.
 */
export function authFetch(tokens: TokenSource, fetchImpl: typeof fetch = (...a) => fetch(...a)): AuthFetch {
  const send = (path: string, init: RequestInit, token: string) =>
    fetchImpl(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
    });
  return async (path, init = {}) => {
    let token = await tokens.token();
    if (!token) throw new ApiError('session-expired', 401);
    let res = await send(path, init, token);
    if (res.status === 401) {
      token = await tokens.renew();
      if (!token) throw new ApiError('session-expired', 401);
      res = await send(path, init, token);
    }
    return res;
  };
}

export interface NetworkResult {
  /** kbit/s; null when the measurement failed. */
  downloadKbps: number | null;
  uploadKbps: number | null;
  /** Median round trip of the pings, ms; null when none came back. */
  rttMs: number | null;
}

export type NetworkPhase = 'ping' | 'download' | 'upload';

export interface NetworkTestOptions {
  /** Where the routes are mounted. */
  base?: string;
  /** A monotonic clock in ms (tests pass a fake one). */
  now?: () => number;
  /** Told as each phase starts, for the screen to say what is happening. */
  onPhase?: (phase: NetworkPhase) => void;
  /** Stops the test (the component unmounted); what was not measured is null. */
  signal?: AbortSignal;
  /** Longest wait for one request before it counts as failed. */
  requestTimeoutMs?: number;
}

export const PINGS = 5;
/** Sizes grow from here, ×4 a round, to the server's limit (4 MiB). */
export const FIRST_KB = 16;
export const MAX_KB = 4096;
/**
 * A transfer shorter than this, or than two round trips, is dominated by latency and timer grain:
 * the next one is larger.
 */
export const MIN_TRANSFER_MS = 400;
/** The whole of one direction stops growing after this long. */
export const DIRECTION_BUDGET_MS = 8000;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * kbit/s of `bytes` moved in `elapsedMs`, the request's round trip taken off (it carries no data),
 * but never more than half the time: a noisy round trip must not make a link look twice as fast.
 * bits per millisecond are kbit/s.
 */
export function rateKbps(bytes: number, elapsedMs: number, rttMs: number): number {
  const transferMs = Math.max(elapsedMs - rttMs, elapsedMs / 2, 1);
  return Math.round((bytes * 8) / transferMs);
}

/**
 * The next size to try after `kb` took `elapsedMs`, or null when that one was long enough (at least
 * MIN_TRANSFER_MS and two round trips, so that taking the round trip off is exact), was the
 * largest, or the direction's time is spent.
 */
export function nextSizeKb(kb: number, elapsedMs: number, spentMs: number, rttMs: number): number | null {
  if (elapsedMs >= Math.max(MIN_TRANSFER_MS, 2 * rttMs)) return null;
  if (kb >= MAX_KB || spentMs >= DIRECTION_BUDGET_MS) return null;
  return Math.min(kb * 4, MAX_KB);
}

/** Bytes for an upload: random, so that nothing on the way can compress them. */
export function uploadBody(bytes: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(bytes);
  // getRandomValues fills at most 64 KiB a call.
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(body.subarray(i, Math.min(i + 65536, bytes)));
  return body;
}

class Timeout extends Error {}

/**
 * Measures round trip, then download, then upload. Each direction starts small and grows ×4 until
 * a transfer lasts MIN_TRANSFER_MS (or hits 4 MiB or the budget), and reports the last, largest
 * transfer: small ones measure latency more than throughput. A failed request makes that figure
 * null (never throws, except for a session that has ended).
 */
export async function measureNetwork(f: AuthFetch, opts: NetworkTestOptions = {}): Promise<NetworkResult> {
  const base = opts.base ?? '/api/visits';
  const now = opts.now ?? (() => performance.now());
  const timeoutMs = opts.requestTimeoutMs ?? 20_000;

  /** One request, abandoned after the timeout or when the test is stopped. */
  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const ctl = new AbortController();
    const stop = () => ctl.abort();
    opts.signal?.addEventListener('abort', stop);
    const timer = setTimeout(stop, timeoutMs);
    try {
      const res = await f(`${base}/network-test/${path}`, { ...init, cache: 'no-store', signal: ctl.signal });
      if (!res.ok) throw new ApiError(kindOfStatus(res.status), res.status);
      return res;
    } catch (err) {
      if (ctl.signal.aborted) throw new Timeout();
      throw err;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', stop);
    }
  };

  /** Null for a failed measurement; a session that ended is the caller's to handle. */
  const attempt = async <T>(run: () => Promise<T>): Promise<T | null> => {
    if (opts.signal?.aborted) return null;
    try {
      return await run();
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'session-expired') throw err;
      return null;
    }
  };

  opts.onPhase?.('ping');
  const rttMs = await attempt(async () => {
    const times: number[] = [];
    for (let i = 0; i < PINGS; i++) {
      const t0 = now();
      await request('ping');
      times.push(now() - t0);
    }
    return Math.round(median(times));
  });
  const rtt = rttMs ?? 0;

  /** Grows the size until a transfer is long enough; the rate of the last one. */
  const grow = async (transfer: (kb: number) => Promise<number>): Promise<number> => {
    const started = now();
    let kb: number | null = FIRST_KB;
    let rate = 0;
    while (kb !== null) {
      const t0 = now();
      const bytes = await transfer(kb);
      const elapsed = now() - t0;
      rate = rateKbps(bytes, elapsed, rtt);
      kb = nextSizeKb(kb, elapsed, now() - started, rtt);
    }
    return rate;
  };

  opts.onPhase?.('download');
  const downloadKbps = await attempt(() =>
    grow(async (kb) => (await (await request(`download?kb=${kb}`)).arrayBuffer()).byteLength),
  );

  opts.onPhase?.('upload');
  const uploadKbps = await attempt(() =>
    grow(async (kb) => {
      const res = await request('upload', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: uploadBody(kb * 1024),
      });
      // What the server counted, not what was meant to be sent.
      const { bytes } = (await res.json()) as { bytes?: unknown };
      if (typeof bytes !== 'number') throw new ApiError('server');
      return bytes;
    }),
  );

  return { downloadKbps, uploadKbps, rttMs };
}
