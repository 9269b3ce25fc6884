import type { Database } from '../platform/db/pool.js';
import type { ClinicianAvailability, VisitType } from '../modules/scheduling/availability/types.js';
import type { InteractionDeps } from '../fhir/interactions/deps.js';
import { mirrorClinician, mirrorServiceLine } from '../modules/scheduling/config/fhir-mirror.js';
import { SchedulingConfig } from '../modules/scheduling/config/store.js';

/** The demo's service lines and visit types: what a patient can book from the first start. */
export const DEMO_VISIT_TYPES: VisitType[] = [
  {
    id: 'primary-care-video-20',
    serviceLine: 'primary-care',
    name: 'Primary care video visit',
    durationMin: 20,
    modalities: ['video', 'audio'],
    bufferBeforeMin: 0,
    bufferAfterMin: 10,
    minNoticeMin: 60,
    bookingWindowDays: 60,
    patientKind: 'any',
    bookableBy: ['patient', 'caregiver', 'front-desk', 'clinician', 'nurse'],
    groupCapacity: 1,
  },
  {
    id: 'primary-care-new-40',
    serviceLine: 'primary-care',
    name: 'New patient visit',
    durationMin: 40,
    modalities: ['video'],
    bufferBeforeMin: 0,
    bufferAfterMin: 10,
    minNoticeMin: 24 * 60,
    bookingWindowDays: 90,
    patientKind: 'new',
    bookableBy: ['patient', 'caregiver', 'front-desk'],
    groupCapacity: 1,
  },
  {
    id: 'behavioral-health-50',
    serviceLine: 'behavioral-health',
    name: 'Counselling session',
    durationMin: 50,
    modalities: ['video', 'audio'],
    bufferBeforeMin: 0,
    bufferAfterMin: 10,
    minNoticeMin: 24 * 60,
    bookingWindowDays: 60,
    patientKind: 'any',
    bookableBy: ['patient', 'caregiver', 'front-desk', 'clinician'],
    groupCapacity: 1,
  },
  {
    id: 'diabetes-education-group',
    serviceLine: 'primary-care',
    name: 'Diabetes education group',
    durationMin: 60,
    modalities: ['video'],
    bufferBeforeMin: 0,
    bufferAfterMin: 15,
    minNoticeMin: 60,
    bookingWindowDays: 60,
    patientKind: 'any',
    bookableBy: ['patient', 'caregiver', 'front-desk'],
    groupCapacity: 8,
  },
];

/** Dr. Demo and Nurse Demo's hours (New York), licensure and languages. */
export function demoAvailability(clinician: string, nurse: string): ClinicianAvailability[] {
  const weekdays = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
  return [
    {
      practitionerId: clinician,
      timeZone: 'America/New_York',
      rules: [
        { rrule: weekdays, start: '09:00', end: '12:30', validFrom: '2026-01-01' },
        { rrule: weekdays, start: '13:30', end: '17:00', validFrom: '2026-01-01' },
      ],
      overrides: [],
      timeOff: [],
      maxPerDay: 16,
      licensedStates: ['MA', 'NY', 'NJ', 'CT'],
      languages: ['en', 'es'],
      serviceLines: ['primary-care', 'behavioral-health'],
      weight: 2,
    },
    {
      practitionerId: nurse,
      timeZone: 'America/New_York',
      rules: [{ rrule: weekdays, start: '08:00', end: '12:00', validFrom: '2026-01-01' }],
      overrides: [],
      timeOff: [],
      licensedStates: ['MA', 'NY'],
      languages: ['en'],
      serviceLines: ['primary-care'],
      weight: 1,
    },
  ];
}

/**
 * Writes the demo's scheduling configuration and its FHIR records (HealthcareService per service
 * line, PractitionerRole and Schedule per clinician); idempotent: saved again, it stays the same.
 */
export async function seedScheduling(
  db: Database,
  fhir: InteractionDeps,
  tenantId: number,
  clinician: string,
  nurse: string,
) {
  const config = new SchedulingConfig();
  await db.transaction(tenantId, async (q) => {
    for (const vt of DEMO_VISIT_TYPES) await config.saveVisitType(q, tenantId, vt);
    for (const line of new Set(DEMO_VISIT_TYPES.map((vt) => vt.serviceLine)))
      await mirrorServiceLine(fhir, q, tenantId, line, DEMO_VISIT_TYPES);
    for (const c of demoAvailability(clinician, nurse))
      await config.saveClinician(q, tenantId, c, await mirrorClinician(fhir, q, tenantId, c));
  });
}
