export {
  inProgressMs,
  plannedVisit,
  VISIT_MODALITIES,
  type CancelReason,
  type ModalityEntry,
  type NewVisit,
  type ParticipantReference,
  type ParticipantRole,
  type StatusEntry,
  type VisitModality,
  type VisitParticipant,
  type VisitState,
  type VisitStatus,
} from './state.js';
export {
  ALLOWED_FROM,
  visitTransition,
  VisitTransitionError,
  type VisitEvent,
  type VisitEventType,
  type VisitTransitionErrorCode,
} from './transitions.js';
export {
  CANCEL_REASON_SYSTEM,
  encounterResource,
  MODALITY_HISTORY_EXTENSION,
  PARTICIPANT_TYPE_CODES,
  REASON_CANCELLED_EXTENSION,
  VISIT_SYSTEM,
} from './resource.js';
