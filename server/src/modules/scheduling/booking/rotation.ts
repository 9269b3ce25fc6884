import type { Queryable } from '../../../platform/db/pool.js';
import type { ClinicianAvailability } from '../availability/types.js';
import { pickClinician, type RotationState } from '../availability/index.js';
import { jsonColumn } from '../config/json-column.js';
import { SlotTaken } from './errors.js';

/**
 * "First available": one of the clinicians free at the time, by smooth weighted round-robin over
 * the service line's pool. The rotation's state row is locked for the booking's transaction, so
 * concurrent first-available bookings of a line take turns and the shares stay fair.
 */
export async function chooseClinician(
  q: Queryable,
  tenantId: number,
  serviceLine: string,
  pool: ClinicianAvailability[],
  free: string[],
): Promise<string> {
  if (free.length === 0) throw new SlotTaken();
  if (free.length === 1 && pool.length === 1) return free[0] as string;
  await q.query(
    `INSERT INTO sched_rotation (tenant_id, service_line, state) VALUES ($1, $2, '{}') ON CONFLICT DO NOTHING`,
    [tenantId, serviceLine],
  );
  const res = await q.query<{ state: RotationState }>(
    'SELECT state FROM sched_rotation WHERE tenant_id = $1 AND service_line = $2 FOR UPDATE',
    [tenantId, serviceLine],
  );
  const eligible = pool
    .filter((c) => free.includes(c.practitionerId))
    .map((c) => ({ practitionerId: c.practitionerId, weight: c.weight }));
  const stored = res.rows[0]?.state;
  const { chosen, state } = pickClinician(stored ? jsonColumn<RotationState>(stored) : {}, eligible);
  await q.query('UPDATE sched_rotation SET state = $3 WHERE tenant_id = $1 AND service_line = $2', [
    tenantId,
    serviceLine,
    JSON.stringify(state),
  ]);
  return chosen;
}
