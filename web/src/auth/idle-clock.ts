export type IdlePhase = 'active' | 'warning' | 'expired';

/** How long before the end the warning shows: a minute, or half the idle time if that is shorter. */
export function warningLeadMs(idleMs: number): number {
  return Math.min(60_000, idleMs / 2);
}

/**
 * Where a session stands that ends at `deadline` (the last token renewal plus the tenant's idle
 * time, when the server lets an unused refresh token die): active, in its last minute, or over.
 */
export function idlePhase(
  deadline: number,
  idleMs: number,
  now: number,
): { phase: IdlePhase; secondsLeft: number } {
  const left = deadline - now;
  const secondsLeft = Math.max(0, Math.ceil(left / 1000));
  if (left <= 0) return { phase: 'expired', secondsLeft };
  if (left <= warningLeadMs(idleMs)) return { phase: 'warning', secondsLeft };
  return { phase: 'active', secondsLeft };
}

/**
 * Whether activity should renew the session now: only when the last renewal is older than a minute
 * (or a quarter of the idle time), so that a busy user renews about once a minute, not per click.
 */
export function activityRenews(lastRenewal: number, idleMs: number, now: number): boolean {
  return now - lastRenewal >= Math.min(60_000, idleMs / 4);
}
