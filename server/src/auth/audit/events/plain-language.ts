import { BREAK_GLASS_LABEL, OBJECT_ROLE, SYSTEM, actionOf } from './codes.js';
import type { AccessAction, AccessOutcome, AuditEvent, AuditEventAgent, Coding } from './types.js';

/**
 * One line of "who accessed my record", as codes and identifiers for the web app to translate and
 * resolve: no sentences, no localized text.
 */
export interface AccessSummary {
  /** `recorded` (ISO 8601), `''` when the event has none yet. */
  when: string;
  action: AccessAction | 'unknown';
  /** The requesting agent's name, else its FHIR reference (`Practitioner/123`), else its account id. */
  who: string;
  /** The requesting agent's role codes, comma-separated (`clinician,nurse`); `''` when none. */
  role: string;
  /**
   * FHIR resource types touched, comma-separated (`Observation`); from the query when no resource is
   * named; `*` for a system-wide request; `''` when nothing was touched (login, logout, token).
   */
  what: string;
  /** The purpose of use code (`TREAT`, `ETREAT`, …); `''` when none was given. */
  why: string;
  outcome: AccessOutcome | 'unknown';
  /** The access broke the glass (emergency access outside the user's normal permissions). */
  breakGlass: boolean;
}

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const OUTCOMES: Partial<Record<string, AccessOutcome>> = {
  '0': 'success',
  '4': 'denied',
  '8': 'failure',
  '12': 'failure',
};

const same = (a: Coding | undefined, b: Coding) => a?.system === b.system && a.code === b.code;

function requestor(event: AuditEvent): AuditEventAgent | undefined {
  return event.agent.find((a) => a.requestor) ?? event.agent[0];
}

function whoOf(agent: AuditEventAgent | undefined): string {
  return agent?.name ?? agent?.who?.display ?? agent?.who?.reference ?? agent?.who?.identifier?.value ?? '';
}

function codesOf(concepts: AuditEventAgent['role']): string[] {
  const codes = (concepts ?? []).flatMap((c) => (c.coding ?? []).map((coding) => coding.code));
  return [...new Set(codes)];
}

/** The resource type a request path names (`Observation?code=…`, `Patient/1/$everything`), or `*`. */
function typeOfQuery(base64: string): string {
  // atob and TextDecoder, not Buffer: the web app shows these summaries too (web/src/pages).
  let path = '';
  try {
    path =
      new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))).split('?')[0] ?? '';
  } catch {
    return '*';
  }
  return path.split('/').find((segment) => RESOURCE_TYPE.test(segment)) ?? '*';
}

function whatOf(event: AuditEvent): string {
  const entities = event.entity ?? [];
  const types = new Set<string>();
  for (const entity of entities) {
    if (!same(entity.role, OBJECT_ROLE.domainResource)) continue;
    const type = entity.what?.reference?.split('/')[0];
    if (type !== undefined && RESOURCE_TYPE.test(type)) types.add(type);
  }
  if (types.size > 0) return [...types].join(',');
  const query = entities.find((e) => same(e.role, OBJECT_ROLE.query))?.query;
  return query === undefined ? '' : typeOfQuery(query);
}

/**
 * A plain-language summary of an AuditEvent for the patient's "who accessed my record" view. Reads
 * only the event (as stored), so it works on every entry of the log.
 */
export function describeAccess(event: AuditEvent): AccessSummary {
  const agent = requestor(event);
  const why = (agent?.purposeOfUse ?? [])
    .flatMap((p) => p.coding ?? [])
    .find((c) => c.system === SYSTEM.actReason)?.code;
  return {
    when: event.recorded ?? '',
    action: actionOf(event.type, event.subtype),
    who: whoOf(agent),
    role: codesOf(agent?.role).join(','),
    what: whatOf(event),
    why: why ?? '',
    outcome: OUTCOMES[event.outcome ?? ''] ?? 'unknown',
    breakGlass: (event.meta?.security ?? []).some((label) => same(label, BREAK_GLASS_LABEL)),
  };
}
