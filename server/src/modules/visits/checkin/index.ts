/**
 * Check-in for a video visit and the survey after it: pure builders of the FHIR resources (intake
 * Questionnaire and QuestionnaireResponse, telehealth Consent, satisfaction survey), the device
 * check's verdict, and the network-test routes the browser measures against.
 */
export {
  ANSWERABLE_TYPES,
  AnswersError,
  answerProblems,
  integerBounds,
  maxLengthOf,
  MAX_TEXT_LENGTH,
  MAX_VALUE_EXTENSION,
  MIN_VALUE_EXTENSION,
  optionCode,
  ORDINAL_VALUE_EXTENSION,
  type AnswerableType,
  type AnswerProblem,
  type AnswerProblemCode,
  type Answers,
  type AnswerValue,
} from './answers.js';
export {
  INTAKE_LINK_IDS,
  INTAKE_QUESTIONNAIRE_VERSION,
  INTAKE_URL_PREFIX,
  IntakeError,
  intakeProblems,
  intakeQuestionnaire,
  intakeResponse,
  SYMPTOM_ONSET_CODES,
  SYMPTOM_ONSET_SYSTEM,
  type IntakeAnswers,
  type IntakeProblem,
  type IntakeProblemCode,
  type IntakeResponseContext,
  type IntakeVisitType,
} from './intake.js';
export {
  CONSENT_SCOPE_SYSTEM,
  CONSENT_SYSTEM,
  TELEHEALTH_CONSENT_POLICY,
  TELEHEALTH_CONSENT_VERSION,
  telehealthConsent,
  type TelehealthConsentContext,
} from './consent.js';
export {
  SATISFACTION_COMMENT_MAX,
  SATISFACTION_QUESTIONNAIRE,
  SATISFACTION_QUESTIONNAIRE_VERSION,
  satisfactionProblems,
  satisfactionResponse,
  SurveyError,
  type SatisfactionAnswers,
  type SatisfactionContext,
} from './survey.js';
export {
  assessDeviceCheck,
  DEVICE_THRESHOLDS,
  DeviceCheckError,
  parseDeviceCheck,
  type DeviceAssessment,
  type DeviceCheckResult,
  type DeviceProblem,
  type DeviceVerdict,
  type MediaDeviceStatus,
  type SpeakerStatus,
} from './device-check.js';
export {
  NETWORK_TEST_MAX_DOWNLOAD_KB,
  NETWORK_TEST_MAX_UPLOAD_BYTES,
  networkTestRoutes,
} from './network-test-routes.js';
export { checkinHttpError } from './errors.js';
export type * from './fhir-types.js';
