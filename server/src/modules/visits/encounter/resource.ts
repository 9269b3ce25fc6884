import { SERVICE_LINE_SYSTEM } from '../../scheduling/booking/appointment-resource.js';
import { inProgressMs, type ParticipantRole, type VisitState } from './state.js';

export const VISIT_SYSTEM = 'urn:openvisit:visit';
/** Complex extension, one per modality used: sub-extensions `modality` (valueCode) and `period` (valuePeriod). */
export const MODALITY_HISTORY_EXTENSION = 'urn:openvisit:modality-history';
/** Core R4 extension for why an Encounter was cancelled (valueCodeableConcept). */
export const REASON_CANCELLED_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/encounter-reasonCancelled';
export const CANCEL_REASON_SYSTEM = 'urn:openvisit:visit-cancel-reason';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const PARTICIPANT_TYPE = 'http://terminology.hl7.org/CodeSystem/participant-type';
const UCUM = 'http://unitsofmeasure.org';

/**
 * Encounter.participant.type per role, all from the R4 `encounter-participant-type` value set.
 * v3 ParticipationType has no interpreter code: HL7's `participant-type` system (in the same value
 * set) has `translator`. `ESC` (escort) is for transport services only, so a caregiver is `PART`.
 */
export const PARTICIPANT_TYPE_CODES: Readonly<
  Record<ParticipantRole, { system: string; code: string; display: string }>
> = {
  'primary-clinician': { system: PARTICIPATION_TYPE, code: 'PPRF', display: 'primary performer' },
  'secondary-clinician': { system: PARTICIPATION_TYPE, code: 'SPRF', display: 'secondary performer' },
  consultant: { system: PARTICIPATION_TYPE, code: 'CON', display: 'consultant' },
  interpreter: { system: PARTICIPANT_TYPE, code: 'translator', display: 'Translator' },
  caregiver: { system: PARTICIPATION_TYPE, code: 'PART', display: 'Participation' },
};

/** FHIR dateTime/instant with a timezone, as the booking module writes them. */
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const period = (start?: number, end?: number): Record<string, string> | undefined => {
  const p: Record<string, string> = {};
  if (start !== undefined) p.start = iso(start);
  if (end !== undefined) p.end = iso(end);
  return Object.keys(p).length ? p : undefined;
};

/** Minutes, two decimals at most. */
const minutes = (ms: number) => Math.round(ms / 600) / 100;

/** The FHIR R4 Encounter (class VR, virtual) a visit is recorded as. */
export function encounterResource(v: VisitState): Record<string, unknown> & { resourceType: 'Encounter' } {
  const admitted = v.statusHistory.find((e) => e.status === 'in-progress');
  const finished = v.statusHistory.find((e) => e.status === 'finished');
  const encounterPeriod = admitted ? period(admitted.start, finished?.start) : undefined;

  const extension = [
    ...v.modalityHistory.map((m) => ({
      url: MODALITY_HISTORY_EXTENSION,
      extension: [
        { url: 'modality', valueCode: m.modality },
        { url: 'period', valuePeriod: period(m.start, m.end) },
      ],
    })),
    ...(v.cancel
      ? [
          {
            url: REASON_CANCELLED_EXTENSION,
            valueCodeableConcept: {
              coding: [{ system: CANCEL_REASON_SYSTEM, code: v.cancel.reason }],
              ...(v.cancel.text ? { text: v.cancel.text } : {}),
            },
          },
        ]
      : []),
  ];

  const participant = v.participants.map((p) => {
    const when = period(p.start, p.end);
    return {
      type: [{ coding: [PARTICIPANT_TYPE_CODES[p.role]] }],
      ...(when ? { period: when } : {}),
      ...(p.reference.startsWith('Guest/') ? {} : { individual: { reference: p.reference } }),
    };
  });

  return {
    resourceType: 'Encounter',
    ...(extension.length ? { extension } : {}),
    identifier: [{ system: VISIT_SYSTEM, value: v.visitId }],
    status: v.status,
    statusHistory: v.statusHistory.map((e) => ({ status: e.status, period: period(e.start, e.end) })),
    class: { system: ACT_CODE, code: 'VR', display: 'virtual' },
    ...(v.serviceLine
      ? { serviceType: { coding: [{ system: SERVICE_LINE_SYSTEM, code: v.serviceLine }] } }
      : {}),
    subject: { reference: `Patient/${v.patientId}` },
    ...(participant.length ? { participant } : {}),
    ...(v.appointmentId ? { appointment: [{ reference: `Appointment/${v.appointmentId}` }] } : {}),
    ...(encounterPeriod ? { period: encounterPeriod } : {}),
    ...(finished
      ? { length: { value: minutes(inProgressMs(v)), unit: 'min', system: UCUM, code: 'min' } }
      : {}),
  };
}
