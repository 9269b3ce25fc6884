import type { Database } from '../../platform/db/pool.js';

export interface TenantSignInPolicy {
  idleTimeoutSeconds: number;
  sessionLifetimeSeconds: number;
}

export const DEFAULT_SIGN_IN_POLICY: TenantSignInPolicy = {
  idleTimeoutSeconds: 900,
  sessionLifetimeSeconds: 43_200,
};

/**
 * Each tenant's session timeouts (table auth_tenant_policy), held in memory: oidc-provider asks for
 * token lifetimes synchronously. Refreshed periodically, so a change reaches every node within a minute.
 */
export class TenantPolicies {
  private readonly policies = new Map<number, TenantSignInPolicy>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Database) {}

  async start(refreshMs = 60_000): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get(tenantId: number): TenantSignInPolicy {
    return this.policies.get(tenantId) ?? DEFAULT_SIGN_IN_POLICY;
  }

  async set(tenantId: number, policy: TenantSignInPolicy): Promise<void> {
    await this.db.query(
      tenantId,
      `INSERT INTO auth_tenant_policy (tenant_id, idle_timeout_seconds, session_lifetime_seconds) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET idle_timeout_seconds = $2, session_lifetime_seconds = $3`,
      [tenantId, policy.idleTimeoutSeconds, policy.sessionLifetimeSeconds],
    );
    this.policies.set(tenantId, policy);
  }

  private async refresh(): Promise<void> {
    const tenants = await this.db.global<{ id: number }>('SELECT id FROM tenant');
    for (const { id } of tenants.rows) {
      const res = await this.db.query<{ idle: number; life: number }>(
        id,
        `SELECT idle_timeout_seconds AS idle, session_lifetime_seconds AS life FROM auth_tenant_policy WHERE tenant_id = $1`,
        [id],
      );
      const row = res.rows[0];
      this.policies.set(
        id,
        row ? { idleTimeoutSeconds: row.idle, sessionLifetimeSeconds: row.life } : DEFAULT_SIGN_IN_POLICY,
      );
    }
  }
}
