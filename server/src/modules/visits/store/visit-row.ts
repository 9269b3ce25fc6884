import type { Queryable } from '../../../platform/db/pool.js';
import type { VisitState, VisitStatus } from '../encounter/index.js';
import type { DeviceCheckResult } from '../checkin/device-check.js';

/** The browser's device test, with the verdict the server drew from it. */
export type StoredDeviceCheck = DeviceCheckResult & { verdict: string };

/** A visit as the waiting room and the call read it (table `visit`). */
export interface VisitRow {
  id: string;
  appointmentId: string | null;
  serviceLine: string;
  visitTypeId: string | null;
  patientId: string;
  practitionerId: string | null;
  status: VisitStatus;
  state: VisitState;
  startsAt: number | null;
  expectedMinutes: number;
  arrivedAt: number | null;
  admittedAt: number | null;
  endedAt: number | null;
  intakeResponseId: string | null;
  consentId: string | null;
  deviceCheck: StoredDeviceCheck | null;
  nextStepsId: string | null;
  mediaMode: 'p2p' | 'sfu';
  version: number;
}

const COLUMNS = `id, appointment_id, service_line, visit_type_id, patient_id, practitioner_id, status, state,
  starts_at, expected_minutes, arrived_at, admitted_at, ended_at, intake_response_id, consent_id, device_check,
  next_steps_id, media_mode, version`;

type Raw = {
  id: string;
  appointment_id: string | null;
  service_line: string;
  visit_type_id: string | null;
  patient_id: string;
  practitioner_id: string | null;
  status: VisitStatus;
  state: VisitState | string;
  starts_at: Date | null;
  expected_minutes: number;
  arrived_at: Date | null;
  admitted_at: Date | null;
  ended_at: Date | null;
  intake_response_id: string | null;
  consent_id: string | null;
  device_check: StoredDeviceCheck | string | null;
  next_steps_id: string | null;
  media_mode: 'p2p' | 'sfu';
  version: number;
};

/** The pool hands jsonb over as text (platform/db keeps JSON numbers lossless), so it is parsed here. */
function json<T>(value: T | string | null): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function fromRaw(r: Raw): VisitRow {
  return {
    id: r.id,
    appointmentId: r.appointment_id,
    serviceLine: r.service_line,
    visitTypeId: r.visit_type_id,
    patientId: r.patient_id,
    practitionerId: r.practitioner_id,
    status: r.status,
    state: json(r.state) as VisitState,
    startsAt: r.starts_at?.getTime() ?? null,
    expectedMinutes: r.expected_minutes,
    arrivedAt: r.arrived_at?.getTime() ?? null,
    admittedAt: r.admitted_at?.getTime() ?? null,
    endedAt: r.ended_at?.getTime() ?? null,
    intakeResponseId: r.intake_response_id,
    consentId: r.consent_id,
    deviceCheck: json(r.device_check),
    nextStepsId: r.next_steps_id,
    mediaMode: r.media_mode,
    version: r.version,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a visit id at all (a malformed one is simply not found). */
export function isVisitId(id: string): boolean {
  return UUID.test(id);
}

export async function readVisit(q: Queryable, tenantId: number, id: string): Promise<VisitRow | null> {
  if (!isVisitId(id)) return null;
  const res = await q.prepared<Raw>(
    'visit_read',
    `SELECT ${COLUMNS} FROM visit WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return res.rows[0] ? fromRaw(res.rows[0]) : null;
}

/** The visit, locked for the caller's transaction. */
export async function lockVisit(q: Queryable, tenantId: number, id: string): Promise<VisitRow | null> {
  if (!isVisitId(id)) return null;
  const res = await q.query<Raw>(`SELECT ${COLUMNS} FROM visit WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
    tenantId,
    id,
  ]);
  return res.rows[0] ? fromRaw(res.rows[0]) : null;
}

export async function visitOfAppointment(
  q: Queryable,
  tenantId: number,
  appointmentId: string,
): Promise<VisitRow | null> {
  const res = await q.query<Raw>(
    `SELECT ${COLUMNS} FROM visit WHERE tenant_id = $1 AND appointment_id = $2`,
    [tenantId, appointmentId],
  );
  return res.rows[0] ? fromRaw(res.rows[0]) : null;
}

/** A patient's visits that are not over, soonest first. */
export async function openVisitsOfPatient(
  q: Queryable,
  tenantId: number,
  patientId: string,
): Promise<VisitRow[]> {
  const res = await q.query<Raw>(
    `SELECT ${COLUMNS} FROM visit WHERE tenant_id = $1 AND patient_id = $2
       AND status IN ('planned', 'arrived', 'in-progress') ORDER BY coalesce(starts_at, created_at) LIMIT 50`,
    [tenantId, patientId],
  );
  return res.rows.map(fromRaw);
}

export async function insertVisit(q: Queryable, tenantId: number, v: VisitRow): Promise<void> {
  await q.query(
    `INSERT INTO visit (tenant_id, id, appointment_id, service_line, visit_type_id, patient_id, practitioner_id,
       status, state, starts_at, expected_minutes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      tenantId,
      v.id,
      v.appointmentId,
      v.serviceLine,
      v.visitTypeId,
      v.patientId,
      v.practitionerId,
      v.status,
      JSON.stringify(v.state),
      v.startsAt === null ? null : new Date(v.startsAt),
      v.expectedMinutes,
    ],
  );
}

/** Writes every changeable column of `v` (read, changed and written in one transaction). */
export async function saveVisit(q: Queryable, tenantId: number, v: VisitRow): Promise<void> {
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  await q.query(
    `UPDATE visit SET practitioner_id = $3, status = $4, state = $5, arrived_at = $6, admitted_at = $7,
       ended_at = $8, intake_response_id = $9, consent_id = $10, device_check = $11, next_steps_id = $12,
       media_mode = $13, version = version + 1, updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [
      tenantId,
      v.id,
      v.practitionerId,
      v.status,
      JSON.stringify(v.state),
      at(v.arrivedAt),
      at(v.admittedAt),
      at(v.endedAt),
      v.intakeResponseId,
      v.consentId,
      v.deviceCheck === null ? null : JSON.stringify(v.deviceCheck),
      v.nextStepsId,
      v.mediaMode,
    ],
  );
}
