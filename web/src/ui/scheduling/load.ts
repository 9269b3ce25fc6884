import type { FhirClient } from '../../api/fhir-client.js';
import {
  DEFAULT_NOTICE_MIN,
  isoInstant,
  partitionAppointments,
  participantId,
  type Appointment,
  type Scheduling,
} from '../../api/scheduling.js';
import { namesOf } from './hooks.js';

const DAY_MS = 86_400_000;

/**
 * Everything My appointments shows of a patient: visits from yesterday on, the latest past ones,
 * waitlist entries, open offers, the clinicians' names and the notice for changes online.
 */
export async function loadPatientAppointments(fhir: FhirClient, scheduling: Scheduling, patientId: string) {
  const now = Date.now();
  const [ahead, past, waiting, offers, policy] = await Promise.all([
    fhir.search<Appointment>('Appointment', {
      patient: patientId,
      date: `ge${isoInstant(now - DAY_MS)}`,
      _sort: 'date',
      _count: '100',
    }),
    fhir.search<Appointment>('Appointment', {
      patient: patientId,
      date: `lt${isoInstant(now)}`,
      _sort: '-date',
      _count: '20',
    }),
    fhir.search<Appointment>('Appointment', { patient: patientId, status: 'waitlist', _count: '50' }),
    scheduling.offers(patientId),
    scheduling.policy().catch(() => null),
  ]);
  const parts = partitionAppointments([...ahead, ...past, ...waiting], now);
  const ids = [...parts.upcoming, ...parts.waitlist, ...parts.past].map((a) =>
    participantId(a, 'Practitioner'),
  );
  const names = await namesOf(
    fhir,
    'Practitioner',
    ids.filter((id): id is string => id !== undefined),
  ).catch(() => new Map<string, string>());
  return {
    ...parts,
    offers,
    names,
    noticeMin: policy?.patientChangeMinNoticeMin ?? DEFAULT_NOTICE_MIN,
  };
}

/** The next few booked visits of a patient, with their clinicians' names (the home page's card). */
export async function loadNextVisits(fhir: FhirClient, patientId: string, count = 3) {
  const visits = await fhir.search<Appointment>('Appointment', {
    patient: patientId,
    status: 'booked',
    date: `ge${isoInstant(Date.now())}`,
    _sort: 'date',
    _count: String(count),
  });
  const names = await namesOf(
    fhir,
    'Practitioner',
    visits.map((a) => participantId(a, 'Practitioner') ?? ''),
  ).catch(() => new Map<string, string>());
  return { visits: visits.slice(0, count), names };
}
