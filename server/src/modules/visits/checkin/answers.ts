import type {
  Coding,
  Questionnaire,
  QuestionnaireAnswerOption,
  QuestionnaireItem,
  QuestionnaireResponse,
  QuestionnaireResponseAnswer,
  QuestionnaireResponseItem,
} from './fhir-types.js';

/**
 * Answers to a flat Questionnaire (items at the top level only), keyed by linkId, checked against
 * the Questionnaire and written as a QuestionnaireResponse. Shared by intake and the survey; pure
 * and free of Node imports, so the web app runs the same checks before it sends anything.
 */

export type AnswerValue = string | number | boolean;
export type Answers = Record<string /* linkId */, AnswerValue>;

/**
 * What is wrong with one answer. Never the answer itself: answers are PHI.
 * - `unknown-item`: no question with that linkId (or a display item, which takes no answer)
 * - `required`: a required question left out (or only whitespace)
 * - `wrong-type`: e.g. text for a yes/no question, 7.5 for an integer, a number for a choice
 * - `out-of-range`: an integer outside the item's minValue..maxValue
 * - `not-an-option`: a choice code that is not one of the item's answerOptions
 * - `too-long`: more characters than the item's maxLength (never more than MAX_TEXT_LENGTH)
 * - `invalid-text`: control characters FHIR strings may not hold
 * - `unsupported-item`: the item's type cannot be answered here (group, date, attachment, …)
 */
export type AnswerProblemCode =
  | 'unknown-item'
  | 'required'
  | 'wrong-type'
  | 'out-of-range'
  | 'not-an-option'
  | 'too-long'
  | 'invalid-text'
  | 'unsupported-item';

export interface AnswerProblem {
  /** The item's linkId; an unknown key that is not a plain identifier shows as `(unnamed)`. */
  linkId: string;
  problem: AnswerProblemCode;
}

/** The longest free-text answer taken, whatever an item's maxLength says. */
export const MAX_TEXT_LENGTH = 2000;
/** Core R4 extensions for an integer item's bounds (valueInteger). */
export const MIN_VALUE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/minValue';
export const MAX_VALUE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/maxValue';
/** Core R4 extension giving an answer option its score (PHQ-2: 0 to 3). */
export const ORDINAL_VALUE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
/** C0 controls other than tab, LF and CR (and DEL): the R4 validator refuses them in strings. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
/** linkIds echoed into errors; anything else a client sent as a key could be free text. */
const PLAIN_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** At most this many problems are listed (a hostile client could send thousands of keys). */
const MAX_PROBLEMS = 50;
/** A FHIR id, as in Reference `Type/id`. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Answers that failed their Questionnaire. `problems` and the message name linkIds and codes only. */
export class AnswersError extends Error {
  override name = 'AnswersError';
  constructor(
    readonly problems: readonly AnswerProblem[],
    what = 'answers',
  ) {
    super(`The ${what} are not valid: ${problems.map((p) => `${p.linkId} ${p.problem}`).join(', ')}`);
  }
}

export const ANSWERABLE_TYPES = ['boolean', 'integer', 'string', 'text', 'choice'] as const;
export type AnswerableType = (typeof ANSWERABLE_TYPES)[number];

function intExtension(item: QuestionnaireItem, url: string): number | undefined {
  return item.extension?.find((e) => e.url === url)?.valueInteger;
}

/** An integer item's bounds: its minValue/maxValue extensions, else the FHIR integer range. */
export function integerBounds(item: QuestionnaireItem): { min: number; max: number } {
  return {
    min: intExtension(item, MIN_VALUE_EXTENSION) ?? INT32_MIN,
    max: intExtension(item, MAX_VALUE_EXTENSION) ?? INT32_MAX,
  };
}

/** The longest text an item takes: its maxLength, capped at MAX_TEXT_LENGTH. */
export function maxLengthOf(item: QuestionnaireItem): number {
  return Math.min(item.maxLength ?? MAX_TEXT_LENGTH, MAX_TEXT_LENGTH);
}

/** The code an answer option is chosen by: its Coding's code, or its string. */
export function optionCode(option: QuestionnaireAnswerOption): string | undefined {
  return option.valueCoding?.code ?? option.valueString;
}

/** Characters, not UTF-16 units: an emoji is one. */
const charCount = (s: string) => [...s].length;

/** A string answer with only whitespace counts as no answer. */
function isBlank(v: unknown): boolean {
  return typeof v === 'string' && v.trim() === '';
}

function problemOf(item: QuestionnaireItem, value: unknown): AnswerProblemCode | null {
  if (!(ANSWERABLE_TYPES as readonly string[]).includes(item.type)) return 'unsupported-item';
  switch (item.type as AnswerableType) {
    case 'boolean':
      return typeof value === 'boolean' ? null : 'wrong-type';
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'wrong-type';
      const { min, max } = integerBounds(item);
      return value < min || value > max ? 'out-of-range' : null;
    }
    case 'string':
    case 'text': {
      if (typeof value !== 'string') return 'wrong-type';
      if (hasControl(value)) return 'invalid-text';
      return charCount(value.trim()) > maxLengthOf(item) ? 'too-long' : null;
    }
    case 'choice': {
      if (typeof value !== 'string') return 'wrong-type';
      return (item.answerOption ?? []).some((o) => optionCode(o) === value) ? null : 'not-an-option';
    }
  }
}

/**
 * Every problem of `answers` against the Questionnaire's top-level items, in the Questionnaire's
 * order, then unknown keys in the order given. Empty when the answers can be recorded. `answers`
 * is untrusted (a request body): anything but a plain object is one `wrong-type` problem for `*`.
 */
export function answerProblems(q: Questionnaire, answers: unknown): AnswerProblem[] {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers))
    return [{ linkId: '*', problem: 'wrong-type' }];
  const given = answers as Record<string, unknown>;
  const items = new Map((q.item ?? []).map((i) => [i.linkId, i]));
  const problems: AnswerProblem[] = [];
  for (const item of q.item ?? []) {
    if (item.type === 'display') continue;
    const present = Object.hasOwn(given, item.linkId) && given[item.linkId] !== undefined;
    const value = present ? given[item.linkId] : undefined;
    if (!present || value === null || isBlank(value)) {
      if (item.required) problems.push({ linkId: item.linkId, problem: 'required' });
      else if (value === null) problems.push({ linkId: item.linkId, problem: 'wrong-type' });
      continue;
    }
    const problem = problemOf(item, value);
    if (problem) problems.push({ linkId: item.linkId, problem });
  }
  for (const key of Object.keys(given)) {
    const item = items.get(key);
    if (given[key] === undefined) continue;
    if (!item || item.type === 'display')
      problems.push({ linkId: PLAIN_KEY.test(key) ? key : '(unnamed)', problem: 'unknown-item' });
  }
  return problems.slice(0, MAX_PROBLEMS);
}

function answerOf(item: QuestionnaireItem, value: AnswerValue): QuestionnaireResponseAnswer {
  switch (item.type) {
    case 'boolean':
      return { valueBoolean: value as boolean };
    case 'integer':
      return { valueInteger: value as number };
    case 'choice': {
      const option = (item.answerOption ?? []).find((o) => optionCode(o) === value);
      if (option?.valueCoding) {
        const { system, code, display } = option.valueCoding;
        const coding: Coding = { ...(system ? { system } : {}), code: code as string };
        if (display) coding.display = display;
        return { valueCoding: coding };
      }
      return { valueString: value as string };
    }
    default:
      return { valueString: (value as string).trim() };
  }
}

export interface ResponseContext {
  subject: string;
  encounter: string;
  author: string;
  authored: number;
}

/** FHIR dateTime in UTC, without zero milliseconds (as the visits module writes instants). */
export const isoInstant = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** `questionnaire|version`, the canonical a response points at. */
export function canonicalOf(q: Questionnaire): string {
  if (!q.url) throw new TypeError('The Questionnaire has no url');
  return q.version ? `${q.url}|${q.version}` : q.url;
}

/**
 * A completed QuestionnaireResponse of already-checked answers: one item per answered question, in
 * the Questionnaire's order, with the question's text; unanswered optional questions are left out.
 */
export function completedResponse(
  q: Questionnaire,
  answers: Answers,
  ctx: ResponseContext,
): QuestionnaireResponse {
  if (!Number.isFinite(ctx.authored)) throw new TypeError('authored must be a time in milliseconds');
  const item: QuestionnaireResponseItem[] = [];
  for (const i of q.item ?? []) {
    if (i.type === 'display' || !Object.hasOwn(answers, i.linkId)) continue;
    const value = answers[i.linkId];
    if (value === undefined || value === null || isBlank(value)) continue;
    item.push({ linkId: i.linkId, ...(i.text ? { text: i.text } : {}), answer: [answerOf(i, value)] });
  }
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: canonicalOf(q),
    status: 'completed',
    subject: { reference: ctx.subject },
    encounter: { reference: ctx.encounter },
    authored: isoInstant(ctx.authored),
    author: { reference: ctx.author },
    ...(item.length ? { item } : {}),
  };
}

/** `Type/id` for one of `types`, or a TypeError (a server bug, not the patient's answer). */
export function checkedReference(what: string, value: string, types: readonly string[]): string {
  const [type, id, ...rest] = typeof value === 'string' ? value.split('/') : [];
  if (rest.length || !type || !types.includes(type) || !id || !FHIR_ID.test(id))
    throw new TypeError(`${what} must be a reference to ${types.join(' or ')} (Type/id)`);
  return value;
}

/** A FHIR id, or a TypeError naming the field (not the value). */
export function checkedId(what: string, value: string): string {
  if (typeof value !== 'string' || !FHIR_ID.test(value)) throw new TypeError(`${what} must be a FHIR id`);
  return value;
}
