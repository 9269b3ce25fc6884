import { checkedId, checkedReference, isoInstant } from './answers.js';
import type { Consent } from './fhir-types.js';

/**
 * The patient's consent to telehealth video visits, as an R4 Consent (scope `treatment`). The text
 * the patient reads is in the web app's catalogs (`web/src/i18n/checkin.*.ts`, keys
 * `checkin.consent.*`), in English and Spanish; its version is here. Change the text, change the
 * version: a Consent names the version its patient agreed to. Pure and free of Node imports.
 */
export const TELEHEALTH_CONSENT_VERSION = '1.0';
/** The policy a Consent points at, unless the tenant has its own (`policyUri`). */
export const TELEHEALTH_CONSENT_POLICY = `urn:openvisit:policy:telehealth-consent:${TELEHEALTH_CONSENT_VERSION}`;
export const CONSENT_SYSTEM = 'urn:openvisit:consent';
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';
const LOINC = 'http://loinc.org';

const TELEHEALTH = { system: CONSENT_SYSTEM, code: 'telehealth', display: 'Telehealth video visit' };

export interface TelehealthConsentContext {
  patientId: string;
  /** When the patient agreed, epoch milliseconds; the consent applies from then on. */
  at: number;
  /** The tenant's own consent policy, when it has one; else TELEHEALTH_CONSENT_POLICY. */
  policyUri?: string;
  /** Who agreed, when not the patient: a parent or guardian as `RelatedPerson/y`. */
  performer?: string;
}

/** Characters a URI can hold (RFC 3986), without whitespace. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/**
 * An active treatment Consent: the patient permits care by telehealth video visit from `at` until
 * they withdraw it (no end). Category LOINC 59284-0 (Patient Consent) and `urn:openvisit:consent`
 * `telehealth`, which says what was consented to.
 */
export function telehealthConsent(ctx: TelehealthConsentContext): Consent {
  const patient = `Patient/${checkedId('patientId', ctx.patientId)}`;
  if (!Number.isFinite(ctx.at)) throw new TypeError('at must be a time in milliseconds');
  const policy = ctx.policyUri ?? TELEHEALTH_CONSENT_POLICY;
  if (!URI.test(policy)) throw new TypeError('policyUri must be an absolute URI');
  const performer = ctx.performer
    ? checkedReference('performer', ctx.performer, ['Patient', 'RelatedPerson'])
    : patient;
  const when = isoInstant(ctx.at);
  return {
    resourceType: 'Consent',
    text: {
      status: 'generated',
      div:
        '<div xmlns="http://www.w3.org/1999/xhtml">Consent to care by telehealth video visit ' +
        `(OpenVisit telehealth consent, version ${TELEHEALTH_CONSENT_VERSION}), given ${when}.</div>`,
    },
    status: 'active',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'treatment', display: 'Treatment' }] },
    category: [
      { coding: [{ system: LOINC, code: '59284-0', display: 'Patient Consent' }] },
      { coding: [TELEHEALTH], text: 'Consent to telehealth video visits' },
    ],
    patient: { reference: patient },
    dateTime: when,
    performer: [{ reference: performer }],
    policy: [{ uri: policy }],
    provision: { type: 'permit', period: { start: when }, code: [{ coding: [TELEHEALTH] }] },
  };
}
