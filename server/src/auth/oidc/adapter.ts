import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Envelope } from '../../platform/crypto/envelope.js';
import type { Database } from '../../platform/db/pool.js';
import { digest } from '../identity/digest.js';
import type { ClientStore } from '../identity/client-store.js';

export interface AdapterHooks {
  /** Every token of the grant is revoked (logout, revocation, refresh-token reuse). */
  onGrantRevoked(grantId: string): Promise<void>;
}

type ArtifactRow = { payload: string; consumed: boolean };

/**
 * oidc-provider's storage on PostgreSQL (table oidc_artifact). Rows are keyed by the SHA-256 of the
 * artifact id — for opaque tokens and codes the id *is* the bearer value — and payloads are sealed
 * with the envelope keyring. Clients come from the client directory instead (auth_client).
 */
export function postgresAdapter(
  db: Database,
  envelope: Envelope,
  clients: ClientStore,
  hooks: AdapterHooks,
): new (model: string) => Adapter {
  return class PostgresAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private context(): string {
      return `oidc:${this.model}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are created with `openvisit client create`');
      await db.global(
        `INSERT INTO oidc_artifact (model, id_hash, payload, grant_hash, uid_hash, user_code_hash, expires_at, sub_hash)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int > 0 THEN now() + make_interval(secs => $7::int) END, $8)
         ON CONFLICT (model, id_hash) DO UPDATE SET payload = EXCLUDED.payload, grant_hash = EXCLUDED.grant_hash,
           uid_hash = EXCLUDED.uid_hash, user_code_hash = EXCLUDED.user_code_hash, expires_at = EXCLUDED.expires_at,
           sub_hash = EXCLUDED.sub_hash`,
        [
          this.model,
          digest(id),
          envelope.seal(JSON.stringify(payload), this.context()),
          payload.grantId ? digest(payload.grantId) : null,
          payload.uid ? digest(payload.uid) : null,
          payload.userCode ? digest(payload.userCode) : null,
          expiresIn > 0 ? Math.ceil(expiresIn) : 0,
          payload.accountId ? digest(payload.accountId) : null,
        ],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await clients.find(id))?.metadata as AdapterPayload | undefined;
      return this.one('id_hash', digest(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.one('uid_hash', digest(uid));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.one('user_code_hash', digest(userCode));
    }

    async consume(id: string): Promise<void> {
      await db.global(`UPDATE oidc_artifact SET consumed_at = now() WHERE model = $1 AND id_hash = $2`, [
        this.model,
        digest(id),
      ]);
    }

    async destroy(id: string): Promise<void> {
      if (this.model === 'Grant') await hooks.onGrantRevoked(id);
      await db.global(`DELETE FROM oidc_artifact WHERE model = $1 AND id_hash = $2`, [
        this.model,
        digest(id),
      ]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // Access tokens are JWTs that live only in their holders' hands: the revocation list stops them.
      if (this.model === 'AccessToken') await hooks.onGrantRevoked(grantId);
      await db.global(`DELETE FROM oidc_artifact WHERE model = $1 AND grant_hash = $2`, [
        this.model,
        digest(grantId),
      ]);
    }

    private async one(column: 'id_hash' | 'uid_hash' | 'user_code_hash', value: Buffer) {
      const res = await db.global<ArtifactRow>(
        `SELECT payload, consumed_at IS NOT NULL AS consumed FROM oidc_artifact
         WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > now())`,
        [this.model, value],
      );
      const row = res.rows[0];
      if (!row) return undefined;
      const payload = JSON.parse(envelope.openText(row.payload, this.context())) as AdapterPayload;
      return row.consumed ? { ...payload, consumed: true } : payload;
    }
  };
}

/** Signing out everywhere: every session, grant, code and refresh token of the account. */
export async function destroyAccountArtifacts(db: Database, sub: string): Promise<void> {
  await db.global(`DELETE FROM oidc_artifact WHERE sub_hash = $1`, [digest(sub)]);
}

/**
 * Removes artifacts that expired more than an hour ago (kept that long for reuse detection), and
 * abandoned sign-in steps.
 */
export async function sweepExpiredArtifacts(db: Database): Promise<number> {
  const res = await db.global(`DELETE FROM oidc_artifact WHERE expires_at < now() - interval '1 hour'`);
  await db.global(`DELETE FROM auth_interaction_state WHERE expires_at < now()`);
  await db.global(`DELETE FROM auth_federation_request WHERE expires_at < now()`);
  return res.rowCount ?? 0;
}
