import type { AccessAction, AuditEventActionCode, Coding, SearchScope } from './types.js';

/** Code systems and identifier systems used in OpenVisit audit events. */
export const SYSTEM = {
  auditEventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  iheEventType: 'urn:ihe:event-type-code',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  extraSecurityRoleType: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
  account: 'urn:openvisit:account',
  client: 'urn:openvisit:client',
  role: 'urn:openvisit:role',
} as const;

/** A coding shared by every event: frozen, so that changing one event cannot change the next. */
function coding(system: string, code: string, display: string): Coding {
  return Object.freeze({ system, code, display });
}

/**
 * The break-glass security label. BTG ("break the glass") is a v3 ActReason code (a purpose of use
 * under TREAT > ETREAT), not a v3 ActCode: there is no BTG in ActCode. Search with
 * `_security=http://terminology.hl7.org/CodeSystem/v3-ActReason|BTG`.
 */
export const BREAK_GLASS_LABEL: Coding = coding(SYSTEM.actReason, 'BTG', 'break the glass');
export const EMERGENCY_TREATMENT: Coding = coding(SYSTEM.actReason, 'ETREAT', 'Emergency Treatment');

export const ENTITY = {
  person: coding(SYSTEM.entityType, '1', 'Person'),
  systemObject: coding(SYSTEM.entityType, '2', 'System Object'),
} satisfies Record<string, Coding>;

export const OBJECT_ROLE = {
  patient: coding(SYSTEM.objectRole, '1', 'Patient'),
  domainResource: coding(SYSTEM.objectRole, '4', 'Domain Resource'),
  query: coding(SYSTEM.objectRole, '24', 'Query'),
} satisfies Record<string, Coding>;

export const APPLICATION_SERVER: Coding = coding(SYSTEM.sourceType, '4', 'Application Server');

/** BALP agent types: the OAuth client is DCM Application; the user's type depends on the event. */
export const AGENT_TYPE = {
  application: coding(SYSTEM.dicom, '110150', 'Application'),
  /** BALP Read / Query / IUA ITI-71: the user receives the information. */
  recipient: coding(SYSTEM.participationType, 'IRCP', 'information recipient'),
  /** BALP Create / Update / Delete (`DataSources`): the user originates the change. */
  author: coding(SYSTEM.participationType, 'AUT', 'author (originator)'),
  /** No BALP profile: the FHIR R4 login / logout examples use `humanuser`. */
  humanUser: coding(SYSTEM.extraSecurityRoleType, 'humanuser', 'human user'),
} satisfies Record<string, Coding>;

const REST: Coding = coding(SYSTEM.auditEventType, 'rest', 'Restful Operation');
const USER_AUTHENTICATION: Coding = coding(SYSTEM.dicom, '110114', 'User Authentication');
const SECURITY_ALERT: Coding = coding(SYSTEM.dicom, '110113', 'Security Alert');

export const SUBTYPE = {
  login: coding(SYSTEM.dicom, '110122', 'Login'),
  logout: coding(SYSTEM.dicom, '110123', 'Logout'),
  /** IHE IUA ITI-71 (profiled in BALP as `IHE.IUA.71`): an OAuth access token was issued. */
  getAccessToken: coding(SYSTEM.iheEventType, 'ITI-71', 'Get Access Token'),
  emergencyOverrideStarted: coding(SYSTEM.dicom, '110127', 'Emergency Override Started'),
  /** DICOM audit event ID "Export", added next to `operation` so a bulk `$export` can be told apart. */
  export: coding(SYSTEM.dicom, '110106', 'Export'),
} satisfies Record<string, Coding>;

export interface EventCodes {
  type: Coding;
  subtype: Coding[];
  action: AuditEventActionCode;
}

function rest(interaction: string, action: AuditEventActionCode, ...more: Coding[]): EventCodes {
  return {
    type: REST,
    subtype: [{ system: SYSTEM.restfulInteraction, code: interaction, display: interaction }, ...more],
    action,
  };
}

/**
 * AuditEvent type, subtype and action for an access. RESTful interactions follow BALP (type `rest`,
 * subtype from restful-interaction; read/vread R, create C, update/patch U, delete D, search E).
 * BALP has no profile for history, transaction, batch or operations: instance history reads known
 * versions (R, like vread), type and system history are queries (E), the rest execute (E).
 */
export function eventCodes(action: AccessAction, scope?: SearchScope): EventCodes {
  switch (action) {
    case 'read':
    case 'vread':
      return rest(action, 'R');
    case 'search':
      return rest(scope === 'system' ? 'search-system' : 'search-type', 'E');
    case 'history':
      if (scope === 'system') return rest('history-system', 'E');
      if (scope === 'type') return rest('history-type', 'E');
      return rest('history-instance', 'R');
    case 'create':
      return rest('create', 'C');
    case 'update':
    case 'patch':
      return rest(action, 'U');
    case 'delete':
      return rest('delete', 'D');
    case 'transaction':
    case 'batch':
    case 'operation':
      return rest(action, 'E');
    case 'export':
      return rest('operation', 'E', SUBTYPE.export);
    case 'login':
      return { type: USER_AUTHENTICATION, subtype: [SUBTYPE.login], action: 'E' };
    case 'logout':
      return { type: USER_AUTHENTICATION, subtype: [SUBTYPE.logout], action: 'E' };
    case 'token':
      // BALP includes IHE IUA's ITI-71 "Get Access Token" profile: User Authentication + ITI-71, E.
      return { type: USER_AUTHENTICATION, subtype: [SUBTYPE.getAccessToken], action: 'E' };
    case 'break-glass':
      // As the FHIR AuditEvent break-glass example: Security Alert / Emergency Override Started.
      return { type: SECURITY_ALERT, subtype: [SUBTYPE.emergencyOverrideStarted], action: 'E' };
  }
}

/** The access action an event records, read back from its type and subtype; `unknown` otherwise. */
export function actionOf(
  type: Coding | undefined,
  subtype: readonly Coding[] | undefined,
): AccessAction | 'unknown' {
  const codes = subtype ?? [];
  const has = (c: Coding) => codes.some((s) => s.system === c.system && s.code === c.code);
  if (type?.system === SYSTEM.auditEventType && type.code === 'rest') {
    const interaction = codes.find((s) => s.system === SYSTEM.restfulInteraction)?.code;
    switch (interaction) {
      case 'read':
      case 'vread':
      case 'create':
      case 'update':
      case 'patch':
      case 'delete':
      case 'transaction':
      case 'batch':
        return interaction;
      case 'search':
      case 'search-type':
      case 'search-system':
        return 'search';
      case 'history':
      case 'history-instance':
      case 'history-type':
      case 'history-system':
        return 'history';
      case 'operation':
        return has(SUBTYPE.export) ? 'export' : 'operation';
      default:
        return 'unknown';
    }
  }
  if (has(SUBTYPE.login)) return 'login';
  if (has(SUBTYPE.logout)) return 'logout';
  if (has(SUBTYPE.getAccessToken)) return 'token';
  if (has(SUBTYPE.emergencyOverrideStarted)) return 'break-glass';
  return 'unknown';
}
