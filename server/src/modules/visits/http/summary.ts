import { CHECK_IN_OPENS_MS } from '../flows/open.js';
import type { VisitRow } from '../store/visit-row.js';

/** The modality in use (null before admission). */
export function currentModality(v: VisitRow): string | null {
  return v.state.modalityHistory.at(-1)?.modality ?? null;
}

/** A visit as its participants' apps see it (no PHI beyond what they already know). */
export function visitSummary(v: VisitRow, as: 'patient' | 'clinician') {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: v.id,
    encounter: `Encounter/${v.id}`,
    as,
    status: v.status,
    appointmentId: v.appointmentId,
    serviceLine: v.serviceLine,
    visitTypeId: v.visitTypeId,
    startsAt: iso(v.startsAt),
    checkInOpensAt: v.startsAt === null ? null : iso(v.startsAt - CHECK_IN_OPENS_MS),
    arrivedAt: iso(v.arrivedAt),
    admittedAt: iso(v.admittedAt),
    endedAt: iso(v.endedAt),
    modality: currentModality(v),
    lengthMinutes:
      v.admittedAt !== null && v.endedAt !== null ? Math.round((v.endedAt - v.admittedAt) / 600) / 100 : null,
    checkedIn: v.intakeResponseId !== null,
    hasNextSteps: v.nextStepsId !== null,
  };
}

export const visitSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    encounter: { type: 'string' },
    as: { type: 'string' },
    status: { type: 'string' },
    appointmentId: { type: ['string', 'null'] },
    serviceLine: { type: 'string' },
    visitTypeId: { type: ['string', 'null'] },
    startsAt: { type: ['string', 'null'] },
    checkInOpensAt: { type: ['string', 'null'] },
    arrivedAt: { type: ['string', 'null'] },
    admittedAt: { type: ['string', 'null'] },
    endedAt: { type: ['string', 'null'] },
    modality: { type: ['string', 'null'] },
    lengthMinutes: { type: ['number', 'null'] },
    checkedIn: { type: 'boolean' },
    hasNextSteps: { type: 'boolean' },
  },
} as const;
