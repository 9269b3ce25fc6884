import { Counter, type Registry } from 'prom-client';

export type DenialReason = 'unauthenticated' | 'forbidden' | 'out-of-reach' | 'rate-limited' | 'consent';

/** Security counters on /metrics. Labels are fixed codes only: never a user, patient or tenant name. */
export class SecurityMetrics {
  private readonly loginFailures: Counter<'reason'>;
  private readonly lockouts: Counter;
  private readonly denied: Counter<'reason'>;
  private readonly breakGlass: Counter;
  private readonly refreshReuse: Counter;

  constructor(register: Registry) {
    this.loginFailures = new Counter({
      name: 'security_login_failures_total',
      help: 'Failed sign-in attempts, by reason',
      labelNames: ['reason'],
      registers: [register],
    });
    this.lockouts = new Counter({
      name: 'security_lockouts_total',
      help: 'Accounts locked after repeated failed sign-ins',
      registers: [register],
    });
    this.denied = new Counter({
      name: 'security_denied_requests_total',
      help: 'API requests or parts of them denied by the access policy, by reason',
      labelNames: ['reason'],
      registers: [register],
    });
    this.breakGlass = new Counter({
      name: 'security_break_glass_total',
      help: 'Break-glass accesses started (access outside a care relationship, with a reason)',
      registers: [register],
    });
    this.refreshReuse = new Counter({
      name: 'security_refresh_token_reuse_total',
      help: 'Refresh tokens presented again after use; the whole token family is revoked',
      registers: [register],
    });
  }

  loginFailed(reason: string): void {
    this.loginFailures.inc({ reason });
  }

  lockedOut(): void {
    this.lockouts.inc();
  }

  deny(reason: DenialReason): void {
    this.denied.inc({ reason });
  }

  brokeGlass(): void {
    this.breakGlass.inc();
  }

  refreshTokenReused(): void {
    this.refreshReuse.inc();
  }
}
