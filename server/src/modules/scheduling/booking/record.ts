import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { updateResource } from '../../../fhir/interactions/write.js';
import type { Queryable } from '../../../platform/db/pool.js';
import { appointmentResource, type AppointmentFacts } from './appointment-resource.js';
import type { BookingRow } from './booking-row.js';
import { notFound } from './errors.js';
import type { BookingServices } from './services.js';

/** Writes a booking's new status to its FHIR Appointment, in the caller's transaction. */
export async function recordStatus(
  s: BookingServices,
  q: Queryable,
  tenantId: number,
  b: BookingRow,
  status: AppointmentFacts['status'],
  cancelationReason?: string,
): Promise<void> {
  if (!b.appointmentId) return;
  const vt = await s.config.visitType(q, tenantId, b.visitTypeId);
  if (!vt) throw notFound('Visit type');
  const resource = appointmentResource({
    bookingId: b.id,
    status,
    visitType: vt,
    modality: b.modality,
    practitionerId: b.practitionerId,
    ...(b.patientId ? { patientId: b.patientId } : {}),
    start: b.start,
    end: b.end,
    created: s.now(),
    ...(cancelationReason ? { cancelationReason } : {}),
  });
  await updateResource(s.fhir, { tenantId, access: OPEN_ACCESS, q }, 'Appointment', b.appointmentId, {
    ...resource,
    id: b.appointmentId,
  });
}
