import crypto from 'node:crypto';
import type { Database } from '../../platform/db/pool.js';
import { digest } from './digest.js';

export interface LaunchContext {
  tenantId: number;
  /** Patient id (not a reference) */
  patient?: string;
  encounter?: string;
}

const LAUNCH_TTL_SECONDS = 300;

/**
 * SMART launch context: the opaque `launch` value of an EHR launch, and the context each grant was
 * given (the patient picked at sign-in or carried by the launch), which every token of the grant states.
 */
export class LaunchContexts {
  constructor(private readonly db: Database) {}

  /** An EHR launch: the EHR (our clinician workspace) opens an app for this patient/encounter. */
  async createLaunch(context: LaunchContext): Promise<string> {
    const launch = crypto.randomBytes(24).toString('base64url');
    await this.db.global(
      `INSERT INTO auth_launch (launch_hash, tenant_id, patient, encounter, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [
        digest(launch),
        context.tenantId,
        context.patient ?? null,
        context.encounter ?? null,
        LAUNCH_TTL_SECONDS,
      ],
    );
    return launch;
  }

  async resolveLaunch(launch: string): Promise<LaunchContext | null> {
    const res = await this.db.global<{ tenant_id: number; patient: string | null; encounter: string | null }>(
      `SELECT tenant_id, patient, encounter FROM auth_launch WHERE launch_hash = $1 AND expires_at > now()`,
      [digest(launch)],
    );
    const row = res.rows[0];
    return row ? compact(row) : null;
  }

  async setGrantContext(grantId: string, context: LaunchContext, ttlSeconds: number): Promise<void> {
    await this.db.global(
      `INSERT INTO auth_grant_context (grant_hash, tenant_id, patient, encounter, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
       ON CONFLICT (grant_hash) DO UPDATE SET tenant_id = $2, patient = $3, encounter = $4, expires_at = EXCLUDED.expires_at`,
      [digest(grantId), context.tenantId, context.patient ?? null, context.encounter ?? null, ttlSeconds],
    );
  }

  async grantContext(grantId: string): Promise<LaunchContext | null> {
    const res = await this.db.global<{ tenant_id: number; patient: string | null; encounter: string | null }>(
      `SELECT tenant_id, patient, encounter FROM auth_grant_context WHERE grant_hash = $1 AND expires_at > now()`,
      [digest(grantId)],
    );
    const row = res.rows[0];
    return row ? compact(row) : null;
  }
}

function compact(row: {
  tenant_id: number;
  patient: string | null;
  encounter: string | null;
}): LaunchContext {
  return {
    tenantId: row.tenant_id,
    ...(row.patient ? { patient: row.patient } : {}),
    ...(row.encounter ? { encounter: row.encounter } : {}),
  };
}
