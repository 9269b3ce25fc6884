/**
 * The parts of FHIR R4 Questionnaire, QuestionnaireResponse and Consent that check-in writes and
 * reads. Type-only and free of Node imports: the web app imports these files too. Type aliases, not
 * interfaces, so that they fit where a resource is taken as `Record<string, unknown>`.
 */

export type Extension = {
  url: string;
  valueInteger?: number;
  valueDecimal?: number;
  valueString?: string;
  valueCode?: string;
};

export type Coding = {
  system?: string;
  code?: string;
  display?: string;
};

export type CodeableConcept = {
  coding?: Coding[];
  text?: string;
};

export type Reference = {
  reference: string;
  display?: string;
};

export type Period = {
  start?: string;
  end?: string;
};

/** The item types of R4's `item-type` value set. Check-in answers the simple ones (see answers.ts). */
export type QuestionnaireItemType =
  | 'group'
  | 'display'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'date'
  | 'dateTime'
  | 'time'
  | 'string'
  | 'text'
  | 'url'
  | 'choice'
  | 'open-choice'
  | 'attachment'
  | 'reference'
  | 'quantity';

export type QuestionnaireAnswerOption = {
  extension?: Extension[];
  valueCoding?: Coding;
  valueString?: string;
  valueInteger?: number;
};

export type QuestionnaireItem = {
  extension?: Extension[];
  linkId: string;
  code?: Coding[];
  prefix?: string;
  text?: string;
  type: QuestionnaireItemType;
  required?: boolean;
  repeats?: boolean;
  readOnly?: boolean;
  maxLength?: number;
  answerOption?: QuestionnaireAnswerOption[];
  item?: QuestionnaireItem[];
};

export type Questionnaire = {
  resourceType: 'Questionnaire';
  id?: string;
  url?: string;
  version?: string;
  name?: string;
  title?: string;
  status: 'draft' | 'active' | 'retired' | 'unknown';
  subjectType?: string[];
  publisher?: string;
  description?: string;
  purpose?: string;
  item?: QuestionnaireItem[];
};

export type QuestionnaireResponseAnswer = {
  valueBoolean?: boolean;
  valueInteger?: number;
  valueString?: string;
  valueCoding?: Coding;
};

export type QuestionnaireResponseItem = {
  linkId: string;
  text?: string;
  answer?: QuestionnaireResponseAnswer[];
};

export type QuestionnaireResponse = {
  resourceType: 'QuestionnaireResponse';
  questionnaire: string;
  status: 'in-progress' | 'completed' | 'amended' | 'entered-in-error' | 'stopped';
  subject: Reference;
  encounter: Reference;
  authored: string;
  author: Reference;
  item?: QuestionnaireResponseItem[];
};

export type Consent = {
  resourceType: 'Consent';
  text?: { status: 'generated'; div: string };
  status: 'draft' | 'proposed' | 'active' | 'rejected' | 'inactive' | 'entered-in-error';
  scope: CodeableConcept;
  category: CodeableConcept[];
  patient: Reference;
  dateTime: string;
  performer?: Reference[];
  policy?: { uri: string }[];
  provision: {
    type: 'deny' | 'permit';
    period?: Period;
    code?: CodeableConcept[];
  };
};

/** A Questionnaire OpenVisit defines: with the id, canonical URL and version responses point at. */
export type CanonicalQuestionnaire = Questionnaire & { id: string; url: string; version: string };
