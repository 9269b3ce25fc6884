import type { Database } from '../../platform/db/pool.js';
import { newTotpSecret } from '../credentials/totp.js';
import type { Account, AccountStore } from '../identity/account-store.js';
import { digest } from '../identity/digest.js';

/**
 * Where a sign-in stands between its steps: the account the first factor (password, or the
 * tenant's identity provider) proved, and what is still due. `federated`: the provider vouched for
 * both factors, nothing is due.
 */
export type Stage = 'mfa-enroll' | 'mfa-verify' | 'federated';

export interface InteractionState {
  tenantId: number;
  accountId: string;
  stage: Stage;
  /** The first factor was the tenant's identity provider, not a password. */
  viaFederation: boolean;
}

const TTL_SECONDS = 600;

/** Sign-in progress per interaction (auth_interaction_state), keyed by the SHA-256 of its uid. */
export class InteractionStates {
  constructor(private readonly db: Database) {}

  async load(uid: string): Promise<InteractionState | null> {
    const res = await this.db.global<{
      tenant_id: number;
      account_id: string;
      stage: Stage;
      via_federation: boolean;
    }>(
      `SELECT tenant_id, account_id, stage, via_federation FROM auth_interaction_state
       WHERE uid_hash = $1 AND expires_at > now()`,
      [digest(uid)],
    );
    const row = res.rows[0];
    return row
      ? {
          tenantId: row.tenant_id,
          accountId: row.account_id,
          stage: row.stage,
          viaFederation: row.via_federation,
        }
      : null;
  }

  async save(uid: string, account: Account, stage: Stage, viaFederation = false): Promise<void> {
    await this.db.global(
      `INSERT INTO auth_interaction_state (uid_hash, tenant_id, account_id, stage, via_federation, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
       ON CONFLICT (uid_hash) DO UPDATE SET tenant_id = $2, account_id = $3, stage = $4,
         via_federation = $5, expires_at = EXCLUDED.expires_at`,
      [digest(uid), account.tenantId, account.id, stage, viaFederation, TTL_SECONDS],
    );
  }

  async clear(uid: string): Promise<void> {
    await this.db.global(`DELETE FROM auth_interaction_state WHERE uid_hash = $1`, [digest(uid)]);
  }
}

/**
 * A staff account's first factor is proven: its TOTP is due next, enrolled on the first sign-in.
 */
export async function requireSecondFactor(
  states: InteractionStates,
  accounts: AccountStore,
  uid: string,
  account: Account,
  viaFederation: boolean,
): Promise<void> {
  const stage: Stage = account.mfaConfirmed ? 'mfa-verify' : 'mfa-enroll';
  if (stage === 'mfa-enroll') await accounts.setMfaSecret(account, newTotpSecret());
  await states.save(uid, account, stage, viaFederation);
}
