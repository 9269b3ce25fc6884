import type { Account } from '../identity/account-store.js';

/**
 * How a sign-in was proven, as its audit record's outcome code: password, password and our TOTP,
 * the tenant's identity provider with its own second factor, or the provider and our TOTP.
 */
export type SignInMethod = 'pwd' | 'pwd-otp' | 'fed-mfa' | 'fed-otp';

export type SignInFailure = 'invalid' | 'locked' | 'disabled' | 'mfa-invalid' | 'federation-refused';

/** What the sign-in flow reports, for the audit log and the security metrics (auth/security-events.ts). */
export interface SignInEvents {
  loginSucceeded(
    account: Account,
    at: { address: string; clientId: string; method: SignInMethod },
  ): Promise<void>;
  /** `account` is null when the username is unknown (audited without naming anyone). */
  loginFailed(
    tenantId: number,
    account: Account | null,
    reason: SignInFailure,
    at: { address: string; clientId: string },
  ): Promise<void>;
  lockedOut(account: Account): void;
}
