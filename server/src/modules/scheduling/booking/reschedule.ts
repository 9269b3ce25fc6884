import type { Modality } from '../availability/types.js';
import { bookInTransaction, withAlternatives, type Booked, type BookRequest } from './book.js';
import { changeable, type ChangeRequest } from './cancel.js';
import { releaseLoad } from './load.js';
import type { BookingServices } from './services.js';
import type { Booker } from '../availability/types.js';

export interface RescheduleRequest extends ChangeRequest {
  start: number;
  /** Another clinician; the same one when absent. */
  practitionerId?: string;
  modality?: Modality;
  booker: Booker;
  bookedBy: string;
}

/**
 * Moves a booking in one transaction: the old booking is released first (so a move by a few
 * minutes may overlap its own old time), then the new time is booked by the same rules as a new
 * booking; if the new time is taken, nothing changed. The Appointment keeps its id.
 */
export async function rescheduleBooking(
  s: BookingServices,
  tenantId: number,
  req: RescheduleRequest,
): Promise<Booked> {
  const now = s.now();
  let bookReq: BookRequest | undefined;
  try {
    return await s.db.transaction(tenantId, async (q) => {
      const old = await changeable(s, q, tenantId, req, now);
      await q.query(
        `UPDATE sched_booking SET status = 'cancelled', cancel_reason = 'Rescheduled', appointment_id = NULL,
           version = version + 1, updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [tenantId, old.id],
      );
      const [clinician] = await s.config.clinicians(q, tenantId, { practitionerIds: [old.practitionerId] });
      if (clinician) await releaseLoad(q, tenantId, clinician, old.localDate, old.localWeek);
      bookReq = {
        visitTypeId: old.visitTypeId,
        practitionerId: req.practitionerId ?? old.practitionerId,
        start: req.start,
        patientId: old.patientId ?? '',
        modality: req.modality ?? old.modality,
        booker: req.booker,
        bookedBy: req.bookedBy,
      };
      return bookInTransaction(s, q, tenantId, bookReq, now, {
        bookingId: old.id,
        appointmentId: old.appointmentId ?? '',
        version: old.version,
      });
    });
  } catch (err) {
    throw bookReq ? await withAlternatives(s, tenantId, bookReq, now, err) : err;
  }
}
