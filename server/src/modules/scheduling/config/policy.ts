import type { Queryable } from '../../../platform/db/pool.js';
import { jsonColumn } from './json-column.js';

/** A tenant's scheduling rules that are not a visit type's own. */
export interface SchedulingPolicy {
  /** A patient may cancel or reschedule up to this long before the start; staff at any time. */
  patientChangeMinNoticeMin: number;
  /** A waitlisted patient has this long to accept an offered time before it passes on. */
  waitlistOfferMin: number;
  /** A booked visit nobody checked in to this long after its start is marked a no-show. */
  noShowGraceMin: number;
}

export const DEFAULT_POLICY: SchedulingPolicy = {
  patientChangeMinNoticeMin: 120,
  waitlistOfferMin: 30,
  noShowGraceMin: 15,
};

export async function schedulingPolicy(q: Queryable, tenantId: number): Promise<SchedulingPolicy> {
  const res = await q.query<{ config: Partial<SchedulingPolicy> }>(
    'SELECT config FROM sched_policy WHERE tenant_id = $1',
    [tenantId],
  );
  const row = res.rows[0];
  return { ...DEFAULT_POLICY, ...(row ? jsonColumn<Partial<SchedulingPolicy>>(row.config) : {}) };
}

export async function saveSchedulingPolicy(
  q: Queryable,
  tenantId: number,
  policy: SchedulingPolicy,
): Promise<void> {
  await q.query(
    `INSERT INTO sched_policy (tenant_id, config) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET config = EXCLUDED.config`,
    [tenantId, JSON.stringify(policy)],
  );
}
