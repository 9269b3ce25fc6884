/**
 * When a booked video visit can be joined from the app. The server decides (check-in opens 15
 * minutes before the start and closes 30 minutes after it: server/src/modules/visits/flows/open.ts
 * and flows/check-in.ts); the app only knows when to offer the button and what to say before.
 */

/** `CHECK_IN_OPENS_MS` of flows/open.ts, in minutes. */
export const CHECK_IN_OPENS_MIN = 15;
/** `CHECK_IN_CLOSES_MS` of flows/check-in.ts, in minutes. */
export const CHECK_IN_CLOSES_MIN = 30;
/** A checked-in visit may run late: its page stays reachable this long after the booked end. */
const LATE_MIN = 120;

export type JoinPhase = 'early' | 'open' | 'over';

export interface JoinWindow {
  phase: JoinPhase;
  /** When check-in opens, epoch ms. */
  opensAt: number;
}

/** The join window of an appointment; null when it has no start (nothing to join). */
export function joinWindow(
  a: { start?: string; end?: string; status?: string },
  now: number,
): JoinWindow | null {
  const start = Date.parse(a.start ?? '');
  if (!Number.isFinite(start)) return null;
  const end = Date.parse(a.end ?? '') || start;
  const opensAt = start - CHECK_IN_OPENS_MIN * 60_000;
  const checkedIn = a.status === 'checked-in' || a.status === 'arrived';
  const closesAt = checkedIn ? end + LATE_MIN * 60_000 : Math.max(start + CHECK_IN_CLOSES_MIN * 60_000, end);
  const phase: JoinPhase = now < opensAt ? 'early' : now > closesAt ? 'over' : 'open';
  return { phase, opensAt };
}
