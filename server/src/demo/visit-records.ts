import type { DemoEntry, DemoResource } from './patients/index.js';

/**
 * What the demo's own telehealth visits left in the record, so every page of the web app has data
 * Synthea's sample patients lack: a visit note per visit (DocumentReference), and for the first
 * patient the allergy, medicine and care plan Dr. Demo recorded. Synthetic text, no PHI.
 */
export interface DemoVisit {
  /** The visit Encounter's fullUrl in the same transaction. */
  encounter: string;
  patient: string;
  /** The practitioner's fullUrl and name. */
  author: string;
  authorName: string;
  start: string;
  end: string;
}

type Entry = (fullUrl: string, key: string, resource: DemoResource) => DemoEntry;

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';

/** The visit note: a plain-text progress note attached inline, linked to its visit. */
export function visitNote(entry: Entry, n: number, visit: DemoVisit, text: string): DemoEntry {
  return entry(urn(20 + n), `visit-note-${n}`, {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: LOINC, code: '11506-3', display: 'Progress note' }], text: 'Visit note' },
    category: [
      {
        coding: [
          {
            system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
            code: 'clinical-note',
            display: 'Clinical Note',
          },
        ],
      },
    ],
    subject: { reference: `Patient/${visit.patient}` },
    date: visit.end.replace('Z', '+00:00'),
    author: [{ reference: visit.author, display: visit.authorName }],
    description: 'Telehealth visit note',
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'en',
          title: 'Telehealth visit note',
          data: Buffer.from(text, 'utf8').toString('base64'),
          creation: visit.end.replace('Z', '+00:00'),
        },
      },
    ],
    context: { encounter: [{ reference: visit.encounter }], period: { end: visit.end } },
  });
}

/** What Dr. Demo recorded for the first patient at their visit: an allergy, a medicine, a plan. */
export function firstPatientRecords(entry: Entry, visit: DemoVisit): DemoEntry[] {
  const patient = { reference: `Patient/${visit.patient}` };
  const recorder = { reference: visit.author, display: visit.authorName };
  const encounter = { reference: visit.encounter };
  const when = visit.end.replace('Z', '+00:00');
  return [
    entry(urn(40), 'allergy-1', {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        ],
      },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
            code: 'unconfirmed',
          },
        ],
      },
      type: 'allergy',
      category: ['medication'],
      criticality: 'low',
      code: {
        coding: [{ system: SNOMED, code: '91936005', display: 'Allergy to penicillin' }],
        text: 'Penicillin',
      },
      patient,
      encounter,
      recordedDate: when,
      recorder,
      reaction: [{ manifestation: [{ text: 'Skin rash' }], severity: 'mild' }],
    }),
    entry(urn(41), 'medication-1', {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { text: 'Vitamin D3 1,000 unit oral tablet' },
      subject: patient,
      encounter,
      authoredOn: when,
      requester: recorder,
      dosageInstruction: [{ text: 'Take one tablet by mouth once a day with food.' }],
    }),
    entry(urn(42), 'care-plan-1', {
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      title: 'Weight management plan',
      category: [{ coding: [{ system: SNOMED, code: '718361005', display: 'Weight management program' }] }],
      subject: patient,
      encounter,
      created: when,
      author: recorder,
      activity: [
        activity('Walk for 30 minutes on most days', 'in-progress'),
        activity('Weigh yourself once a week and note the result', 'in-progress'),
        activity('Have a fasting blood test before your next visit', 'not-started'),
        activity('Read the healthy eating guide', 'completed'),
      ],
    }),
  ];
}

function activity(text: string, status: string): Record<string, unknown> {
  return { detail: { kind: 'Task', code: { text }, status, description: text } };
}

function urn(n: number): string {
  return `urn:uuid:6f0f2a1e-5d0c-4d7e-9d1a-0c1a5e0d02${String(n).padStart(2, '0')}`;
}
