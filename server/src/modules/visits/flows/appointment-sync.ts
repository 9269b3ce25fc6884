import type { BusEvent, EventHandler } from '../../../platform/events/types.js';
import type { VisitSockets } from '../live/visit-sockets.js';
import type { VisitServices } from '../services.js';
import { recordVisitEvent } from '../store/record.js';
import { lockVisit, visitOfAppointment } from '../store/visit-row.js';

/**
 * Keeps a visit in step with its Appointment when scheduling changes it (topic `scheduling`): a
 * cancelled appointment cancels its visit not yet admitted, and a no-show marks a visit never
 * checked in to. Runs after the scheduling change committed (the outbox relay), so it is
 * at-least-once: an event for a visit already past that step changes nothing.
 */
export function appointmentSync(s: VisitServices, live: VisitSockets): EventHandler {
  return async (event: BusEvent) => {
    if (event.type !== 'appointment.cancelled' && event.type !== 'appointment.noshow') return;
    const appointmentId = event.payload.appointmentId;
    if (typeof appointmentId !== 'string') return;
    const tenantId = event.tenantId;
    const changed = await s.db.transaction(tenantId, async (q) => {
      const found = await visitOfAppointment(q, tenantId, appointmentId);
      const v = found ? await lockVisit(q, tenantId, found.id) : null;
      if (!v) return null;
      if (event.type === 'appointment.noshow' && v.status === 'planned')
        return recordVisitEvent(s, q, tenantId, v, { type: 'no-show' });
      if (event.type === 'appointment.cancelled' && (v.status === 'planned' || v.status === 'arrived'))
        return recordVisitEvent(s, q, tenantId, v, { type: 'cancel', text: 'The appointment was cancelled' });
      return null;
    });
    if (changed) live.visitChanged(tenantId, changed, null);
  };
}
