import type { Queryable } from '../../../platform/db/pool.js';
import type { Modality } from '../availability/types.js';
import { notFound } from './errors.js';

export interface BookingRow {
  id: string;
  kind: 'visit' | 'group';
  practitionerId: string;
  patientId: string | null;
  visitTypeId: string;
  modality: Modality;
  start: number;
  end: number;
  status: 'held' | 'booked' | 'checked-in' | 'fulfilled' | 'cancelled' | 'noshow';
  appointmentId: string | null;
  localDate: string;
  localWeek: string;
  version: number;
  holdExpiresAt: number | null;
}

const COLUMNS = `id, kind, practitioner_id, patient_id, visit_type_id, modality, starts_at, ends_at, status,
  appointment_id, to_char(local_date, 'YYYY-MM-DD') AS local_date, to_char(local_week, 'YYYY-MM-DD') AS local_week,
  version, hold_expires_at`;

type Raw = {
  id: string;
  kind: BookingRow['kind'];
  practitioner_id: string;
  patient_id: string | null;
  visit_type_id: string;
  modality: Modality;
  starts_at: Date;
  ends_at: Date;
  status: BookingRow['status'];
  appointment_id: string | null;
  local_date: string;
  local_week: string;
  version: number;
  hold_expires_at: Date | null;
};

function fromRaw(r: Raw): BookingRow {
  return {
    id: r.id,
    kind: r.kind,
    practitionerId: r.practitioner_id,
    patientId: r.patient_id,
    visitTypeId: r.visit_type_id,
    modality: r.modality,
    start: r.starts_at.getTime(),
    end: r.ends_at.getTime(),
    status: r.status,
    appointmentId: r.appointment_id,
    localDate: r.local_date,
    localWeek: r.local_week,
    version: r.version,
    holdExpiresAt: r.hold_expires_at?.getTime() ?? null,
  };
}

/** A booking by its id or its Appointment's id, locked for the caller's transaction. */
export async function lockBooking(
  q: Queryable,
  tenantId: number,
  ref: { bookingId?: string; appointmentId?: string },
): Promise<BookingRow> {
  const res = ref.bookingId
    ? await q.query<Raw>(`SELECT ${COLUMNS} FROM sched_booking WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
        tenantId,
        ref.bookingId,
      ])
    : await q.query<Raw>(
        `SELECT ${COLUMNS} FROM sched_booking WHERE tenant_id = $1 AND appointment_id = $2 FOR UPDATE`,
        [tenantId, ref.appointmentId ?? ''],
      );
  const row = res.rows[0];
  if (!row) throw notFound('Appointment');
  return fromRaw(row);
}

export async function bookingsOf(
  q: Queryable,
  tenantId: number,
  where: { patientId?: string; practitionerId?: string; from: number; to: number },
): Promise<BookingRow[]> {
  const res = await q.query<Raw>(
    `SELECT ${COLUMNS} FROM sched_booking
      WHERE tenant_id = $1 AND ($2::text IS NULL OR patient_id = $2) AND ($3::text IS NULL OR practitioner_id = $3)
        AND starts_at < $5 AND ends_at > $4
      ORDER BY starts_at`,
    [
      tenantId,
      where.patientId ?? null,
      where.practitionerId ?? null,
      new Date(where.from),
      new Date(where.to),
    ],
  );
  return res.rows.map(fromRaw);
}
