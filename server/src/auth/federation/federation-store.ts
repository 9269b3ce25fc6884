import type { Envelope } from '../../platform/crypto/envelope.js';
import type { Database } from '../../platform/db/pool.js';
import { digest } from '../identity/digest.js';
import { validateFederationConfig, type FederationConfig } from './config.js';

const CONFIG_CONTEXT = (tenantId: number) => `federation:${tenantId}`;
const REQUEST_CONTEXT = 'federation-request';
const REQUEST_TTL_SECONDS = 600;

/** What a redirect to the provider must find again when the browser comes back: bound to its `state`. */
export interface PendingRequest {
  tenantId: number;
  /** The app that asked for the sign-in. */
  clientId: string;
  /** The sign-in interaction (oidc-provider uid) that the federated sign-in completes. */
  uid: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Federation settings per tenant (auth_tenant_policy.federation, sealed: it holds a client secret)
 * and the redirects in flight to a provider (auth_federation_request, keyed by the SHA-256 of
 * their state and taken exactly once).
 */
export class FederationStore {
  constructor(
    private readonly db: Database,
    private readonly envelope: Envelope,
  ) {}

  async get(tenantId: number): Promise<FederationConfig | null> {
    const res = await this.db.query<{ federation: string | null }>(
      tenantId,
      'SELECT federation FROM auth_tenant_policy WHERE tenant_id = $1',
      [tenantId],
    );
    const sealed = res.rows[0]?.federation;
    if (!sealed) return null;
    return JSON.parse(this.envelope.openText(sealed, CONFIG_CONTEXT(tenantId))) as FederationConfig;
  }

  /** Sets (or with null removes) the tenant's federation. */
  async set(tenantId: number, config: FederationConfig | null): Promise<void> {
    const sealed = config
      ? this.envelope.seal(JSON.stringify(validateFederationConfig(config)), CONFIG_CONTEXT(tenantId))
      : null;
    await this.db.query(
      tenantId,
      `INSERT INTO auth_tenant_policy (tenant_id, federation) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET federation = $2`,
      [tenantId, sealed],
    );
  }

  async savePending(state: string, request: PendingRequest): Promise<void> {
    await this.db.global(
      `INSERT INTO auth_federation_request (state_hash, tenant_id, payload, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [
        digest(state),
        request.tenantId,
        this.envelope.seal(JSON.stringify(request), REQUEST_CONTEXT),
        REQUEST_TTL_SECONDS,
      ],
    );
  }

  /** The request behind `state`, removed so that a replayed callback finds nothing. */
  async takePending(state: string): Promise<PendingRequest | null> {
    const res = await this.db.global<{ payload: string }>(
      `DELETE FROM auth_federation_request WHERE state_hash = $1 RETURNING payload, expires_at > now() AS live`,
      [digest(state)],
    );
    const row = res.rows[0] as { payload: string; live?: boolean } | undefined;
    if (!row?.live) return null;
    return JSON.parse(this.envelope.openText(row.payload, REQUEST_CONTEXT)) as PendingRequest;
  }
}
