import {
  AnswersError,
  answerProblems,
  checkedId,
  checkedReference,
  completedResponse,
  FHIR_ID,
  MAX_VALUE_EXTENSION,
  MIN_VALUE_EXTENSION,
  ORDINAL_VALUE_EXTENSION,
  type AnswerProblem,
  type AnswerProblemCode,
} from './answers.js';
import type {
  CanonicalQuestionnaire,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireResponse,
} from './fhir-types.js';

/**
 * The intake questionnaire a patient answers when checking in for a video visit, per visit type,
 * and the QuestionnaireResponse of their answers. Pure, and free of Node imports: the web app
 * checks answers with the same rules before sending them.
 */

/** Bumped whenever an item, an option or a rule changes, so that responses keep their meaning. */
export const INTAKE_QUESTIONNAIRE_VERSION = '1.0.0';
export const INTAKE_URL_PREFIX = 'urn:openvisit:questionnaire:intake:';
/** OpenVisit's own code system for the symptom-onset answers. */
export const SYMPTOM_ONSET_SYSTEM = 'urn:openvisit:intake:symptom-onset';
const LOINC = 'http://loinc.org';

export type IntakeAnswers = Record<string /* linkId */, string | number | boolean>;
export type IntakeProblem = AnswerProblem;
export type IntakeProblemCode = AnswerProblemCode;

export interface IntakeVisitType {
  id: string;
  name: string;
  serviceLine: string;
}

export interface IntakeResponseContext {
  patientId: string;
  encounterId: string;
  /** When the patient submitted, epoch milliseconds. */
  authored: number;
  /** Who answered: `Patient/x`, or a caregiver as `RelatedPerson/y`. */
  author: string;
}

/** Intake answers that cannot be recorded; `problems` names linkIds and codes, never the answers. */
export class IntakeError extends AnswersError {
  override name = 'IntakeError';
  constructor(problems: readonly IntakeProblem[]) {
    super(problems, 'intake answers');
  }
}

/** The linkIds of the items every visit type asks. */
export const INTAKE_LINK_IDS = {
  reason: 'reason',
  symptomOnset: 'symptom-onset',
  painScore: 'pain-score',
  medicationsChanged: 'medications-changed',
  allergyChanges: 'allergy-changes',
  pharmacy: 'pharmacy',
  location: 'location',
  callbackPhone: 'callback-phone',
} as const;

export const SYMPTOM_ONSET_CODES = [
  ['today', 'Today'],
  ['1-3-days', '1 to 3 days ago'],
  ['4-7-days', '4 to 7 days ago'],
  ['1-4-weeks', '1 to 4 weeks ago'],
  ['over-a-month', 'More than a month ago'],
  ['no-new-symptoms', 'No new symptoms (a follow-up visit)'],
] as const;

const bounds = (min: number, max: number) => [
  { url: MIN_VALUE_EXTENSION, valueInteger: min },
  { url: MAX_VALUE_EXTENSION, valueInteger: max },
];

/** Asked before every video visit. */
function commonItems(): QuestionnaireItem[] {
  return [
    {
      linkId: 'reason',
      code: [{ system: LOINC, code: '8661-1', display: 'Chief complaint - Reported' }],
      text: 'What is the main reason for your visit today?',
      type: 'text',
      required: true,
      maxLength: 2000,
    },
    {
      linkId: 'symptom-onset',
      text: 'When did this start?',
      type: 'choice',
      answerOption: SYMPTOM_ONSET_CODES.map(([code, display]) => ({
        valueCoding: { system: SYMPTOM_ONSET_SYSTEM, code, display },
      })),
    },
    {
      linkId: 'pain-score',
      extension: bounds(0, 10),
      code: [
        {
          system: LOINC,
          code: '72514-3',
          display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported',
        },
      ],
      text: 'How much pain are you in right now, from 0 (no pain) to 10 (the worst pain you can imagine)?',
      type: 'integer',
    },
    {
      linkId: 'medications-changed',
      text: 'Have any of your medicines changed since your last visit (new, stopped, or a different dose)?',
      type: 'boolean',
    },
    {
      linkId: 'allergy-changes',
      text: 'Do you have any new allergies, or changes to your allergies? If so, please describe them.',
      type: 'text',
      maxLength: 2000,
    },
    {
      linkId: 'pharmacy',
      text: 'Which pharmacy should we send prescriptions to (name and address or nearest cross streets)?',
      type: 'string',
      maxLength: 200,
    },
    {
      // Clinicians may only treat patients located where they are licensed: where the patient is
      // during the visit, not their home address, decides it.
      linkId: 'location',
      text: 'Where are you right now (city and state, or country if outside the United States)?',
      type: 'string',
      required: true,
      maxLength: 200,
    },
    {
      linkId: 'callback-phone',
      text: 'If the video fails, may we call you at the phone number we have on file?',
      type: 'boolean',
      required: true,
    },
  ];
}

/** PHQ-2 (Kroenke et al., 2003), as LOINC codes it: panel 55757-9. Scores 0-3 per answer. */
const PHQ_ANSWERS = [
  ['LA6568-5', 'Not at all', 0],
  ['LA6569-3', 'Several days', 1],
  ['LA6570-1', 'More than half the days', 2],
  ['LA6571-9', 'Nearly every day', 3],
] as const;

const phqItem = (linkId: string, code: string, display: string): QuestionnaireItem => ({
  linkId,
  code: [{ system: LOINC, code, display }],
  text: `Over the last 2 weeks, how often have you been bothered by: ${display.toLowerCase()}?`,
  type: 'choice',
  answerOption: PHQ_ANSWERS.map(([answer, text, score]) => ({
    extension: [{ url: ORDINAL_VALUE_EXTENSION, valueDecimal: score }],
    valueCoding: { system: LOINC, code: answer, display: text },
  })),
});

/** What a service line asks on top of the common items (none for primary care). */
const SERVICE_LINE_ITEMS: Readonly<Record<string, () => QuestionnaireItem[]>> = {
  'behavioral-health': () => [
    {
      linkId: 'crisis-notice',
      text:
        'If you are thinking about harming yourself or someone else, do not wait for this visit: ' +
        'call or text 988 (Suicide and Crisis Lifeline) or call 911 now.',
      type: 'display',
    },
    phqItem('phq2-interest', '44250-9', 'Little interest or pleasure in doing things'),
    phqItem('phq2-down', '44255-8', 'Feeling down, depressed, or hopeless'),
  ],
};

/** `primary-care-video-20` → `IntakePrimaryCareVideo20` (que-0: a name code can use). */
function machineName(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `Intake${words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('')}`;
}

/**
 * The intake Questionnaire for a visit type: `intake-<id>`, canonical
 * `urn:openvisit:questionnaire:intake:<id>` at INTAKE_QUESTIONNAIRE_VERSION. Items every visit asks
 * (reason, onset, pain, medicines, allergies, pharmacy, the patient's location, phone fallback),
 * then the service line's own (behavioral health: a crisis notice and the PHQ-2).
 */
export function intakeQuestionnaire(visitType: IntakeVisitType): CanonicalQuestionnaire {
  const id = checkedId('visitType.id', visitType.id);
  if (`intake-${id}`.length > 64 || !FHIR_ID.test(`intake-${id}`))
    throw new TypeError('visitType.id is too long for a Questionnaire id');
  const extra = SERVICE_LINE_ITEMS[visitType.serviceLine];
  return {
    resourceType: 'Questionnaire',
    id: `intake-${id}`,
    url: `${INTAKE_URL_PREFIX}${id}`,
    version: INTAKE_QUESTIONNAIRE_VERSION,
    name: machineName(id),
    title: `Check-in questions: ${visitType.name}`,
    status: 'active',
    subjectType: ['Patient'],
    publisher: 'OpenVisit',
    description: `What we ask before a ${visitType.name}.`,
    item: [...commonItems(), ...(extra ? extra() : [])],
  };
}

/** Every problem of the answers (empty when they can be recorded); the web shows these per field. */
export function intakeProblems(q: Questionnaire, answers: unknown): IntakeProblem[] {
  return answerProblems(q, answers);
}

/**
 * The completed QuestionnaireResponse of a patient's (or caregiver's) intake answers for one visit.
 * Throws IntakeError listing every problem; a bad context (ids, author) is a TypeError.
 */
export function intakeResponse(
  q: Questionnaire,
  answers: IntakeAnswers,
  ctx: IntakeResponseContext,
): QuestionnaireResponse {
  const problems = answerProblems(q, answers);
  if (problems.length) throw new IntakeError(problems);
  return completedResponse(q, answers, {
    subject: `Patient/${checkedId('patientId', ctx.patientId)}`,
    encounter: `Encounter/${checkedId('encounterId', ctx.encounterId)}`,
    author: checkedReference('author', ctx.author, ['Patient', 'RelatedPerson']),
    authored: ctx.authored,
  });
}
