import {
  AnswersError,
  answerProblems,
  checkedId,
  checkedReference,
  completedResponse,
  MAX_VALUE_EXTENSION,
  MIN_VALUE_EXTENSION,
  type AnswerProblem,
  type Answers,
} from './answers.js';
import type { CanonicalQuestionnaire, QuestionnaireResponse } from './fhir-types.js';

/**
 * The short satisfaction survey each side answers after a video visit. Pure, and free of Node
 * imports: the web app checks answers with the same rules.
 */

export const SATISFACTION_QUESTIONNAIRE_VERSION = '1.0.0';
export const SATISFACTION_COMMENT_MAX = 1000;

export const SATISFACTION_QUESTIONNAIRE: CanonicalQuestionnaire = {
  resourceType: 'Questionnaire',
  id: 'visit-satisfaction',
  url: 'urn:openvisit:questionnaire:visit-satisfaction',
  version: SATISFACTION_QUESTIONNAIRE_VERSION,
  name: 'VisitSatisfaction',
  title: 'How was your video visit?',
  status: 'active',
  subjectType: ['Patient'],
  publisher: 'OpenVisit',
  description: 'Asked of the patient and of the clinician at the end of a video visit.',
  item: [
    {
      linkId: 'score',
      extension: [
        { url: MIN_VALUE_EXTENSION, valueInteger: 1 },
        { url: MAX_VALUE_EXTENSION, valueInteger: 5 },
      ],
      text: 'Overall, how satisfied are you with this video visit, from 1 (very dissatisfied) to 5 (very satisfied)?',
      type: 'integer',
      required: true,
    },
    {
      linkId: 'comment',
      text: 'Is there anything you would like to tell us about the visit?',
      type: 'text',
      maxLength: SATISFACTION_COMMENT_MAX,
    },
  ],
};

export interface SatisfactionAnswers {
  score: number;
  comment?: string;
}

export interface SatisfactionContext {
  encounterId: string;
  patientId: string;
  /** Who answered: the patient (`Patient/x`) or the clinician (`Practitioner/y`). */
  author: string;
  /** Epoch milliseconds. */
  authored: number;
}

/** Survey answers that cannot be recorded; `problems` names linkIds and codes, never the answers. */
export class SurveyError extends AnswersError {
  override name = 'SurveyError';
  constructor(problems: readonly AnswerProblem[]) {
    super(problems, 'survey answers');
  }
}

/** Every problem of the answers (empty when they can be recorded). */
export function satisfactionProblems(answers: unknown): AnswerProblem[] {
  return answerProblems(SATISFACTION_QUESTIONNAIRE, answers);
}

/** The completed QuestionnaireResponse of one side's survey. Throws SurveyError on bad answers. */
export function satisfactionResponse(
  answers: SatisfactionAnswers,
  ctx: SatisfactionContext,
): QuestionnaireResponse {
  const problems = satisfactionProblems(answers);
  if (problems.length) throw new SurveyError(problems);
  return completedResponse(SATISFACTION_QUESTIONNAIRE, answers as unknown as Answers, {
    subject: `Patient/${checkedId('patientId', ctx.patientId)}`,
    encounter: `Encounter/${checkedId('encounterId', ctx.encounterId)}`,
    author: checkedReference('author', ctx.author, ['Patient', 'Practitioner']),
    authored: ctx.authored,
  });
}
