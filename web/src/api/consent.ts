import { ROLE_SYSTEM } from '../../../server/src/auth/access/consent-rules.js';

/** HL7 v3 sensitivity codes the sharing page offers (meta.security labels on the data). */
export const SENSITIVITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const SENSITIVE_KINDS = ['PSY', 'ETH', 'HIV', 'SEX'] as const;
export const HIDEABLE_FROM = ['caregiver', 'front-desk', 'billing', 'nurse', 'clinician'] as const;

type Coding = { system?: string; code?: string };

export interface ConsentResource {
  resourceType: 'Consent';
  id?: string;
  status?: string;
  dateTime?: string;
  patient?: { reference?: string };
  provision?: {
    type?: string;
    actor?: { role?: { coding?: Coding[] }; reference?: { reference?: string; display?: string } }[];
    securityLabel?: Coding[];
  };
  [key: string]: unknown;
}

/** A privacy consent that withholds data labelled `kind` from the given roles. */
export function denyConsent(
  patientId: string,
  kind: string,
  roles: readonly string[],
  now: Date,
): ConsentResource {
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: now.toISOString(),
    policyRule: { coding: [{ system: SENSITIVITY_SYSTEM, code: 'OPTOUT' }] },
    provision: {
      type: 'deny',
      // R4 requires a reference on every actor; a role names a group of people, not one resource,
      // so the reference only displays it (the policy matches actors by role code).
      actor: roles.map((code) => ({
        role: { coding: [{ system: ROLE_SYSTEM, code }] },
        reference: { display: `OpenVisit role: ${code}` },
      })),
      securityLabel: [{ system: SENSITIVITY_SYSTEM, code: kind }],
    },
  };
}

/** What an active deny consent hides and from whom, as codes; null for consents of another shape. */
export function describeConsent(c: ConsentResource): { kinds: string[]; roles: string[] } | null {
  if (c.status !== 'active' || c.provision?.type !== 'deny') return null;
  const kinds = (c.provision.securityLabel ?? []).map((l) => l.code ?? '').filter(Boolean);
  const roles = (c.provision.actor ?? [])
    .flatMap((a) => a.role?.coding ?? [])
    .filter((x) => x.system === ROLE_SYSTEM)
    .map((x) => x.code ?? '')
    .filter(Boolean);
  return { kinds, roles };
}
