import type { Queryable } from '../../../platform/db/pool.js';
import type { ClinicianAvailability, VisitType } from '../availability/types.js';
import { refreshLoad } from '../booking/load.js';
import { jsonColumn } from './json-column.js';

/** Visit types and clinicians' availability as stored (JSON, checked by validate.ts on the way in). */
export class SchedulingConfig {
  async visitType(q: Queryable, tenantId: number, id: string): Promise<VisitType | null> {
    const res = await q.prepared<{ config: VisitType }>(
      'sched_visit_type',
      'SELECT config FROM sched_visit_type WHERE tenant_id = $1 AND id = $2 AND active',
      [tenantId, id],
    );
    const row = res.rows[0];
    return row ? jsonColumn<VisitType>(row.config) : null;
  }

  /**
   * The active visit types and clinicians of the given ids, by id, in one statement (what a batch
   * of bookings needs).
   */
  async forBookings(
    q: Queryable,
    tenantId: number,
    visitTypeIds: readonly string[],
    practitionerIds: readonly string[],
  ): Promise<{ visitTypes: Map<string, VisitType>; clinicians: Map<string, ClinicianAvailability> }> {
    const res = await q.prepared<{ clinician: boolean; config: string }>(
      'sched_config_for_bookings',
      `SELECT false AS clinician, config FROM sched_visit_type WHERE tenant_id = $1 AND id = ANY($2) AND active
       UNION ALL
       SELECT true, config FROM sched_clinician WHERE tenant_id = $1 AND practitioner_id = ANY($3) AND active`,
      [tenantId, visitTypeIds, practitionerIds],
    );
    const visitTypes = new Map<string, VisitType>();
    const clinicians = new Map<string, ClinicianAvailability>();
    for (const r of res.rows)
      if (r.clinician) {
        const c = jsonColumn<ClinicianAvailability>(r.config);
        clinicians.set(c.practitionerId, c);
      } else {
        const vt = jsonColumn<VisitType>(r.config);
        visitTypes.set(vt.id, vt);
      }
    return { visitTypes, clinicians };
  }

  async visitTypes(q: Queryable, tenantId: number, serviceLine?: string): Promise<VisitType[]> {
    const res = await q.query<{ config: VisitType }>(
      `SELECT config FROM sched_visit_type WHERE tenant_id = $1 AND active
         AND ($2::text IS NULL OR service_line = $2) ORDER BY service_line, id`,
      [tenantId, serviceLine ?? null],
    );
    return res.rows.map((r) => jsonColumn<VisitType>(r.config));
  }

  async saveVisitType(q: Queryable, tenantId: number, vt: VisitType): Promise<void> {
    await q.query(
      `INSERT INTO sched_visit_type (tenant_id, id, service_line, config) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, id) DO UPDATE
         SET service_line = EXCLUDED.service_line, config = EXCLUDED.config, active = true, updated_at = now()`,
      [tenantId, vt.id, vt.serviceLine, JSON.stringify(vt)],
    );
  }

  /** The active clinicians serving a service line (all of them when none is given). */
  async clinicians(
    q: Queryable,
    tenantId: number,
    opts: { serviceLine?: string; practitionerIds?: string[] } = {},
  ): Promise<ClinicianAvailability[]> {
    const res = await q.prepared<{ config: ClinicianAvailability }>(
      'sched_clinicians',
      `SELECT config FROM sched_clinician WHERE tenant_id = $1 AND active
         AND ($2::text IS NULL OR config->'serviceLines' ? $2)
         AND ($3::text[] IS NULL OR practitioner_id = ANY($3))
       ORDER BY practitioner_id`,
      [tenantId, opts.serviceLine ?? null, opts.practitionerIds ?? null],
    );
    return res.rows.map((r) => jsonColumn<ClinicianAvailability>(r.config));
  }

  async saveClinician(
    q: Queryable,
    tenantId: number,
    c: ClinicianAvailability,
    fhir: { practitionerRoleId?: string; scheduleId?: string } = {},
  ): Promise<void> {
    await q.query(
      `INSERT INTO sched_clinician (tenant_id, practitioner_id, config, practitioner_role_id, schedule_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, practitioner_id) DO UPDATE
         SET config = EXCLUDED.config,
             practitioner_role_id = COALESCE(EXCLUDED.practitioner_role_id, sched_clinician.practitioner_role_id),
             schedule_id = COALESCE(EXCLUDED.schedule_id, sched_clinician.schedule_id),
             active = true, version = sched_clinician.version + 1, updated_at = now()`,
      [
        tenantId,
        c.practitionerId,
        JSON.stringify(c),
        fhir.practitionerRoleId ?? null,
        fhir.scheduleId ?? null,
      ],
    );
    if (c.maxPerDay !== undefined || c.maxPerWeek !== undefined)
      await refreshLoad(q, tenantId, c.practitionerId);
  }
}
