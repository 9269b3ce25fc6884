import type { Account } from '../identity/account-store.js';

/** What the sign-in flow reports, for the audit log and the security metrics (auth/security-events.ts). */
export interface SignInEvents {
  loginSucceeded(account: Account, at: { address: string; clientId: string; mfa: boolean }): Promise<void>;
  /** `account` is null when the username is unknown (audited without naming anyone). */
  loginFailed(
    tenantId: number,
    account: Account | null,
    reason: 'invalid' | 'locked' | 'disabled' | 'mfa-invalid',
    at: { address: string; clientId: string },
  ): Promise<void>;
  lockedOut(account: Account): void;
}
