import { isIP } from 'node:net';
import { parseReference } from '../../../fhir/validation/index.js';
import {
  AGENT_TYPE,
  APPLICATION_SERVER,
  BREAK_GLASS_LABEL,
  EMERGENCY_TREATMENT,
  ENTITY,
  OBJECT_ROLE,
  SYSTEM,
  eventCodes,
} from './codes.js';
import type {
  AccessAction,
  AccessRecord,
  AuditEvent,
  AuditEventActionCode,
  AuditEventAgent,
  AuditEventEntity,
  AuditEventOutcomeCode,
  CodeableConcept,
  Coding,
} from './types.js';

const OUTCOME: Record<AccessRecord['outcome'], AuditEventOutcomeCode> = {
  success: '0',
  denied: '4',
  failure: '8',
};

/** A plain code: what may go into `Coding.code` and `outcomeDesc` without carrying free text. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const OUTCOME_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The types `AuditEvent.agent.who` may reference in R4. */
const AGENT_TARGETS: ReadonlySet<string> = new Set([
  'Practitioner',
  'PractitionerRole',
  'Patient',
  'RelatedPerson',
  'Organization',
  'Device',
]);

const NAME_LENGTH = 200;
const REASON_LENGTH = 1000;

/**
 * Free text from users (names, the break-glass reason) as a valid FHIR string: control characters and
 * runs of whitespace become one space, the length is capped; nothing left means absent.
 */
function cleanText(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const text = value.replace(/[\p{Cc}\s]+/gu, ' ').trim();
  if (text === '') return undefined;
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max).join('').trimEnd() : text;
}

/** A code when it is one, else the value as text (never dropped: it is evidence). */
function codeOrText(value: string, system: string): CodeableConcept | undefined {
  if (CODE.test(value)) return { coding: [{ system, code: value }] };
  const text = cleanText(value, NAME_LENGTH);
  return text === undefined ? undefined : { text };
}

/** `Type/id` or `Type/id/_history/vid` of a known type; anything else is a caller bug. */
function resourceReference(reference: string): string {
  const parsed = reference.includes('?') ? undefined : parseReference(reference);
  if (parsed?.form !== 'relative') {
    throw new TypeError('audit event: a touched resource must be a reference Type/id[/_history/vid]');
  }
  return reference;
}

/** `Patient/<id>` (a version is dropped: the patient is the person, not a version of the record). */
function patientReference(reference: string): string {
  const parsed = reference.includes('?') ? undefined : parseReference(reference);
  if (parsed?.form !== 'relative' || parsed.type !== 'Patient') {
    throw new TypeError('audit event: a patient must be a reference Patient/<id>');
  }
  return reference.split('/').slice(0, 2).join('/');
}

/** `fhirUser` when `agent.who` may reference it (relative of an allowed type, or an http(s) URL). */
function userReference(fhirUser: string | undefined): string | undefined {
  if (fhirUser === undefined || fhirUser.includes('?') || /\s/.test(fhirUser)) return undefined;
  const parsed = parseReference(fhirUser);
  if (parsed.form === 'relative' && AGENT_TARGETS.has(parsed.type)) return fhirUser;
  if (parsed.form === 'absolute' && /^https?:\/\//.test(fhirUser)) return fhirUser;
  return undefined;
}

function network(address: string | undefined): AuditEventAgent['network'] {
  const value = cleanText(address, NAME_LENGTH)?.replace(/ /g, '');
  if (value === undefined || value === '') return undefined;
  return { address: value, type: isIP(value) === 0 ? '1' : '2' };
}

/** BALP: the user authors creates, updates and deletes, and receives everything else. */
function userType(action: AccessAction, code: AuditEventActionCode): Coding {
  if (action === 'login' || action === 'logout' || action === 'break-glass') return AGENT_TYPE.humanUser;
  return code === 'C' || code === 'U' || code === 'D' ? AGENT_TYPE.author : AGENT_TYPE.recipient;
}

function purposesOfUse(record: AccessRecord, breakGlass: boolean): CodeableConcept[] {
  const purposes: CodeableConcept[] = [];
  if (breakGlass) {
    const reason = cleanText(record.breakGlassReason, REASON_LENGTH);
    purposes.push({ coding: [EMERGENCY_TREATMENT], ...(reason === undefined ? {} : { text: reason }) });
  }
  const given = record.agent.purposeOfUse;
  if (given !== undefined && !(breakGlass && given === EMERGENCY_TREATMENT.code)) {
    const purpose = codeOrText(given, SYSTEM.actReason);
    if (purpose !== undefined) purposes.push(purpose);
  }
  return purposes;
}

function agents(record: AccessRecord, code: AuditEventActionCode, breakGlass: boolean): AuditEventAgent[] {
  const { agent } = record;
  const reference = userReference(agent.fhirUser);
  const roles = [...new Set(agent.roles)]
    .map((role) => codeOrText(role, SYSTEM.role))
    .filter((role) => role !== undefined);
  const name = cleanText(agent.display, NAME_LENGTH);
  const purposes = purposesOfUse(record, breakGlass);
  const clientId = cleanText(agent.clientId, NAME_LENGTH);
  const address = network(agent.address);
  const user: AuditEventAgent = {
    type: { coding: [userType(record.action, code)] },
    ...(roles.length > 0 ? { role: roles } : {}),
    // The account is always named (BALP: OAuth `sub` in who.identifier), the FHIR user too when known.
    who: {
      ...(reference === undefined ? {} : { reference }),
      identifier: { system: SYSTEM.account, value: cleanText(agent.sub, NAME_LENGTH) ?? 'unknown' },
    },
    ...(name === undefined ? {} : { name }),
    requestor: true,
    // BALP records the network address on the client app, not on the user; without a client it is here.
    ...(address !== undefined && clientId === undefined ? { network: address } : {}),
    ...(purposes.length > 0 ? { purposeOfUse: purposes } : {}),
  };
  if (clientId === undefined) return [user];
  const client: AuditEventAgent = {
    type: { coding: [AGENT_TYPE.application] },
    who: { identifier: { system: SYSTEM.client, value: clientId } },
    requestor: false,
    ...(address === undefined ? {} : { network: address }),
  };
  return [user, client];
}

function entities(record: AccessRecord): AuditEventEntity[] {
  const result: AuditEventEntity[] = [];
  for (const patient of new Set(record.patients.map(patientReference))) {
    result.push({ what: { reference: patient }, type: ENTITY.person, role: OBJECT_ROLE.patient });
  }
  for (const resource of new Set(record.resources.map(resourceReference))) {
    result.push({
      what: { reference: resource },
      type: ENTITY.systemObject,
      role: OBJECT_ROLE.domainResource,
    });
  }
  if (record.query !== undefined && record.query !== '') {
    // BALP: the raw request, base64, so even malicious input is kept exactly; no name or description,
    // which would copy search values (often PHI) into searchable text.
    const query = Buffer.from(record.query, 'utf8').toString('base64');
    result.push({ type: ENTITY.systemObject, role: OBJECT_ROLE.query, query });
  }
  return result;
}

/**
 * Builds the FHIR R4 AuditEvent for one access decision, after the IHE Basic Audit Log Patterns (see
 * README.md). Pure: same input, same output. `recorded` is set from the argument; `AuditLog.append`
 * replaces it with the commit time. Throws a TypeError when a patient or resource is not a plain
 * reference (a caller bug); free text (names, the break-glass reason) is cleaned, never refused.
 */
export function buildAuditEvent(record: AccessRecord, recorded: Date): AuditEvent {
  const codes = eventCodes(record.action, record.searchScope);
  const breakGlass = record.action === 'break-glass' || record.breakGlassReason !== undefined;
  const outcomeDesc =
    record.outcomeCode !== undefined && OUTCOME_CODE.test(record.outcomeCode)
      ? record.outcomeCode
      : record.outcome === 'success'
        ? undefined
        : record.outcome;
  const entity = entities(record);
  const site = cleanText(record.observer.site, NAME_LENGTH);
  return {
    resourceType: 'AuditEvent',
    ...(breakGlass ? { meta: { security: [BREAK_GLASS_LABEL] } } : {}),
    type: codes.type,
    subtype: codes.subtype,
    action: codes.action,
    recorded: recorded.toISOString(),
    outcome: OUTCOME[record.outcome],
    ...(outcomeDesc === undefined ? {} : { outcomeDesc }),
    agent: agents(record, codes.action, breakGlass),
    source: {
      ...(site === undefined ? {} : { site }),
      observer: { display: cleanText(record.observer.name, NAME_LENGTH) ?? 'OpenVisit' },
      type: [APPLICATION_SERVER],
    },
    ...(entity.length > 0 ? { entity } : {}),
  };
}
