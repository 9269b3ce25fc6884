/** What the caller did, as the access policy saw it. */
export type AccessAction =
  | 'read'
  | 'vread'
  | 'search'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history'
  | 'transaction'
  | 'batch'
  | 'export'
  | 'operation'
  | 'login'
  | 'logout'
  | 'token'
  | 'break-glass';

export type AccessOutcome = 'success' | 'denied' | 'failure';

/** Level of a search or history interaction (FHIR: `search-type` / `search-system`, `history-*`). */
export type SearchScope = 'type' | 'system' | 'instance';

/** One access decision, as the access policy and the request handler know it. */
export interface AccessRecord {
  action: AccessAction;
  outcome: AccessOutcome;
  /**
   * Short machine code for a denial or failure (`scope-missing`, `not-in-care-team`); goes to
   * `outcomeDesc`, so never PHI. Anything that is not a plain code is replaced by `denied` / `failure`.
   */
  outcomeCode?: string;
  /** For search and history: `type` (default for search), `system`, `instance` (default for history). */
  searchScope?: SearchScope;
  agent: {
    /** Account id (OIDC `sub`). */
    sub: string;
    roles: string[];
    /** `Practitioner/123`, `Patient/7`, … (the SMART `fhirUser`). */
    fhirUser?: string;
    display?: string;
    clientId?: string;
    /** The caller's IP address (a host name is recorded as a machine name). */
    address?: string;
    /** A v3 ActReason purpose-of-use code (`TREAT`, `HPAYMT`, `HOPERAT`, `PATRQT`, `ETREAT`, …). */
    purposeOfUse?: string;
  };
  /** What was touched: `Observation/1`, `Observation/1/_history/2`. */
  resources: string[];
  /** Every `Patient/<id>` whose record was touched; one patient entity each. */
  patients: string[];
  /** The request path and query relative to the FHIR base (`Observation?code=…`); stored base64 only. */
  query?: string;
  /** The reason typed when breaking the glass; marks the event as break-glass access. */
  breakGlassReason?: string;
  /** The system recording the event. */
  observer: { name: string; site?: string };
}

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  system: string;
  value: string;
}

export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
}

export interface AuditEventAgent {
  type?: CodeableConcept;
  role?: CodeableConcept[];
  who?: Reference;
  name?: string;
  requestor: boolean;
  network?: { address: string; type: '1' | '2' };
  purposeOfUse?: CodeableConcept[];
}

export interface AuditEventEntity {
  what?: Reference;
  type?: Coding;
  role?: Coding;
  /** base64 of the UTF-8 request. */
  query?: string;
}

/** AuditEvent action codes (http://hl7.org/fhir/audit-event-action). */
export type AuditEventActionCode = 'C' | 'R' | 'U' | 'D' | 'E';

/** AuditEvent outcome codes (http://hl7.org/fhir/audit-event-outcome). */
export type AuditEventOutcomeCode = '0' | '4' | '8' | '12';

/**
 * The FHIR R4 AuditEvent elements this module writes. A type alias (not an interface) so that it is
 * assignable to the log's `Record<string, unknown> & { resourceType: 'AuditEvent' }`.
 */
export type AuditEvent = {
  resourceType: 'AuditEvent';
  meta?: { security: Coding[] };
  type: Coding;
  subtype?: Coding[];
  action?: AuditEventActionCode;
  recorded?: string;
  outcome?: AuditEventOutcomeCode;
  outcomeDesc?: string;
  agent: AuditEventAgent[];
  source: { site?: string; observer: Reference; type?: Coding[] };
  entity?: AuditEventEntity[];
};
