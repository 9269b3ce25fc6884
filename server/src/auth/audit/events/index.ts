export { buildAuditEvent } from './build-audit-event.js';
export { describeAccess } from './plain-language.js';
export { patientsOf } from './patients-of.js';
export type { AccessSummary } from './plain-language.js';
export { BREAK_GLASS_LABEL, SYSTEM, actionOf, eventCodes } from './codes.js';
export type { EventCodes } from './codes.js';
export type {
  AccessAction,
  AccessOutcome,
  AccessRecord,
  AuditEvent,
  AuditEventActionCode,
  AuditEventAgent,
  AuditEventEntity,
  AuditEventOutcomeCode,
  SearchScope,
} from './types.js';
