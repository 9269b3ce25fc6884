import type { Account, AccountStore } from '../identity/account-store.js';
import { STAFF_ROLES } from '../policy/roles.js';
import { externalSubject, type FederationConfig } from './config.js';
import type { UpstreamIdentity } from './upstream.js';

export type AccountMatch =
  | { ok: true; account: Account; linkedNow: boolean }
  | { ok: false; account: Account | null; reason: 'unknown' | 'not-staff' | 'disabled' | 'already-linked' };

const isStaff = (a: Account) => a.roles.some((r) => STAFF_ROLES.includes(r));

/**
 * The OpenVisit account a provider identity signs in as: the one linked to it; else, when the tenant
 * allows it, the unlinked staff account whose username is the identity's verified email, which is
 * then linked. Federation is for staff: patients and caregivers keep their own credentials.
 */
export async function matchAccount(
  accounts: AccountStore,
  tenantId: number,
  fed: FederationConfig,
  identity: UpstreamIdentity,
): Promise<AccountMatch> {
  const subject = externalSubject(identity.issuer, identity.subject);
  const linked = await accounts.byExternalSubject(tenantId, subject);
  if (linked) return check(linked, false);
  if (!fed.linkVerifiedEmail || !identity.emailVerified || !identity.email)
    return { ok: false, account: null, reason: 'unknown' };
  const byEmail = await accounts.byUsername(tenantId, identity.email);
  if (!byEmail) return { ok: false, account: null, reason: 'unknown' };
  const refused = check(byEmail, true);
  if (!refused.ok) return refused;
  // Never re-point an account already linked to another identity.
  if (byEmail.externalSubject !== null || !(await accounts.linkExternalSubject(byEmail, subject)))
    return { ok: false, account: byEmail, reason: 'already-linked' };
  return { ok: true, account: { ...byEmail, externalSubject: subject }, linkedNow: true };
}

function check(account: Account, linkedNow: boolean): AccountMatch {
  if (!isStaff(account)) return { ok: false, account, reason: 'not-staff' };
  if (account.disabled) return { ok: false, account, reason: 'disabled' };
  return { ok: true, account, linkedNow };
}
