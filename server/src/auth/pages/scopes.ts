/** Plain-language descriptions of requested scopes, for the consent page. */

import { format, messages, type Locale, type Messages } from './messages.js';

export type ScopeInteraction = 'c' | 'r' | 'u' | 'd' | 's';

export type ConsentScopeDescription =
  | {
      kind: 'resource';
      context: 'patient' | 'user' | 'system';
      /** A FHIR resource type, or `*` for all of them. */
      resourceType: string;
      interactions: ScopeInteraction[];
    }
  | {
      kind:
        | 'openid'
        | 'fhirUser'
        | 'offline_access'
        | 'online_access'
        | 'launch'
        | 'launch/patient'
        | 'launch/encounter'
        | 'other';
    };

export interface ConsentScope {
  /** The scope as requested, e.g. `patient/Observation.rs`. */
  text: string;
  description: ConsentScopeDescription;
}

/** The order interactions are named in: "read, search, create, update and delete". */
const INTERACTION_ORDER: readonly ScopeInteraction[] = ['r', 's', 'c', 'u', 'd'];

function verb(m: Messages, interaction: ScopeInteraction): string {
  switch (interaction) {
    case 'r':
      return m.verbRead;
    case 's':
      return m.verbSearch;
    case 'c':
      return m.verbCreate;
    case 'u':
      return m.verbUpdate;
    case 'd':
      return m.verbDelete;
  }
}

function capitalise(text: string, locale: Locale): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/**
 * One scope in the reader's language, e.g. "Read and search your Observation records".
 * `patientName` (a clinician's launch with a patient chosen) turns "your" into "Jane Doe's".
 */
export function describeScope(scope: ConsentScope, locale: Locale, patientName?: string): string {
  const m = messages[locale];
  const d = scope.description;
  switch (d.kind) {
    case 'openid':
      return m.scopeOpenid;
    case 'fhirUser':
      return m.scopeFhirUser;
    case 'offline_access':
      return m.scopeOfflineAccess;
    case 'online_access':
      return m.scopeOnlineAccess;
    case 'launch':
      return m.scopeLaunch;
    case 'launch/patient':
      return m.scopeLaunchPatient;
    case 'launch/encounter':
      return m.scopeLaunchEncounter;
    case 'other':
      return format(m.scopeOther, { scope: scope.text });
    case 'resource': {
      const verbs = INTERACTION_ORDER.filter((i) => d.interactions.includes(i)).map((i) => verb(m, i));
      const actions =
        verbs.length === 0
          ? m.verbAccess
          : new Intl.ListFormat(locale, { type: 'conjunction' }).format(verbs);
      const all = d.resourceType === '*';
      const named = patientName !== undefined && patientName !== '';
      let template: string;
      if (d.context === 'patient') {
        if (named) template = all ? m.scopeAllPatientNamed : m.scopeResourcePatientNamed;
        else template = all ? m.scopeAllPatientSelf : m.scopeResourcePatientSelf;
      } else if (d.context === 'user') {
        template = all ? m.scopeAllUser : m.scopeResourceUser;
      } else {
        template = all ? m.scopeAllSystem : m.scopeResourceSystem;
      }
      return capitalise(
        format(template, { actions, resource: d.resourceType, patientName: patientName ?? '' }),
        locale,
      );
    }
  }
}
