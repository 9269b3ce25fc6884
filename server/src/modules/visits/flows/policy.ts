import type { Database } from '../../../platform/db/pool.js';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import {
  QualityInputError,
  resolvePolicy,
  type DegradationPolicy,
  type ResolvedPolicy,
} from '../quality/index.js';

/** How long a node keeps a tenant's policy before reading it again. */
const CACHE_MS = 30_000;

/**
 * Each tenant's degradation policy: offer audio-only or switch automatically, thresholds and the
 * phone-bridge floor. Read through a short per-node cache: a change reaches every node within 30 s
 * and applies to sockets opened after it.
 */
export class VisitPolicies {
  private readonly cache = new Map<number, { policy: ResolvedPolicy; at: number }>();

  constructor(
    private readonly db: Database,
    private readonly defaults: ResolvedPolicy = resolvePolicy(),
  ) {}

  async of(tenantId: number): Promise<ResolvedPolicy> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.policy;
    const res = await this.db.query<{ config: string | Partial<DegradationPolicy> }>(
      tenantId,
      'SELECT config FROM visit_policy WHERE tenant_id = $1',
      [tenantId],
    );
    const raw = res.rows[0]?.config;
    const stored = typeof raw === 'string' ? (JSON.parse(raw) as Partial<DegradationPolicy>) : raw;
    const policy = stored ? resolvePolicy({ ...this.defaults, ...stored }) : this.defaults;
    this.cache.set(tenantId, { policy, at: Date.now() });
    return policy;
  }

  /** Validates and stores a tenant's policy (fields left out keep their defaults). */
  async save(tenantId: number, input: Partial<DegradationPolicy>): Promise<ResolvedPolicy> {
    let policy: ResolvedPolicy;
    try {
      policy = resolvePolicy({ ...this.defaults, ...input });
    } catch (err) {
      if (err instanceof QualityInputError)
        throw new FhirError(422, { severity: 'error', code: 'invalid', diagnostics: err.message });
      throw err;
    }
    await this.db.query(
      tenantId,
      `INSERT INTO visit_policy (tenant_id, config) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET config = excluded.config, updated_at = now()`,
      [tenantId, JSON.stringify(policy)],
    );
    this.cache.set(tenantId, { policy, at: Date.now() });
    return policy;
  }
}
