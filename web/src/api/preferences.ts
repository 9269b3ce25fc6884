/** FHIR's extension for a person's IANA time zone (the R5 core extension, usable in R4). */
export const TZ_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/tz-code';
/** OpenVisit's own: the channels a patient wants reminders and notices on. */
export const CHANNELS_EXTENSION = 'urn:openvisit:notification-channel';
const LANGUAGE_SYSTEM = 'urn:ietf:bcp:47';

export type Channel = 'email' | 'sms';

export interface Preferences {
  email: string;
  phone: string;
  language: string;
  timeZone: string;
  channels: Channel[];
}

interface Extension {
  url: string;
  valueCode?: string;
}

interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
}

export interface PatientWithPreferences {
  resourceType: 'Patient';
  id?: string;
  telecom?: ContactPoint[];
  communication?: { language?: { coding?: { system?: string; code?: string }[] }; preferred?: boolean }[];
  extension?: Extension[];
  [key: string]: unknown;
}

/** What the profile page edits, read from the Patient (defaults where nothing is recorded). */
export function preferencesOf(
  p: PatientWithPreferences,
  fallback: { language: string; timeZone: string },
): Preferences {
  const telecom = p.telecom ?? [];
  const preferred = p.communication?.find((c) => c.preferred) ?? p.communication?.[0];
  const language = preferred?.language?.coding
    ?.find((c) => c.system === LANGUAGE_SYSTEM)
    ?.code?.split('-')[0];
  const ext = p.extension ?? [];
  return {
    email: telecom.find((t) => t.system === 'email')?.value ?? '',
    phone: telecom.find((t) => t.system === 'phone' && t.use === 'mobile')?.value ?? '',
    language: language ?? fallback.language,
    timeZone: ext.find((e) => e.url === TZ_EXTENSION)?.valueCode ?? fallback.timeZone,
    channels: ext
      .filter((e) => e.url === CHANNELS_EXTENSION)
      .map((e) => e.valueCode)
      .filter((c): c is Channel => c === 'email' || c === 'sms'),
  };
}

/**
 * The Patient with these preferences: its email and mobile number, its preferred language, and the
 * time zone and channel extensions replaced; everything else as it was.
 */
export function withPreferences(p: PatientWithPreferences, prefs: Preferences): PatientWithPreferences {
  const otherTelecom = (p.telecom ?? []).filter(
    (t) => t.system !== 'email' && !(t.system === 'phone' && t.use === 'mobile'),
  );
  const telecom = [
    ...otherTelecom,
    ...(prefs.email ? [{ system: 'email', value: prefs.email, use: 'home' }] : []),
    ...(prefs.phone ? [{ system: 'phone', value: prefs.phone, use: 'mobile' }] : []),
  ];
  const otherLanguages = (p.communication ?? [])
    .filter(
      (c) =>
        !c.language?.coding?.some(
          (x) => x.system === LANGUAGE_SYSTEM && x.code?.split('-')[0] === prefs.language,
        ),
    )
    .map((c) => ({ ...c, preferred: false }));
  const extension = [
    ...(p.extension ?? []).filter((e) => e.url !== TZ_EXTENSION && e.url !== CHANNELS_EXTENSION),
    { url: TZ_EXTENSION, valueCode: prefs.timeZone },
    ...prefs.channels.map((c) => ({ url: CHANNELS_EXTENSION, valueCode: c })),
  ];
  const { telecom: _old, ...rest } = p;
  return {
    ...rest,
    ...(telecom.length > 0 ? { telecom } : {}),
    communication: [
      { language: { coding: [{ system: LANGUAGE_SYSTEM, code: prefs.language }] }, preferred: true },
      ...otherLanguages,
    ],
    extension,
  };
}

export function validEmail(v: string): boolean {
  return v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
}

export function validPhone(v: string): boolean {
  return (
    v === '' ||
    (/^\+?[0-9 ()-]{7,20}$/.test(v) && v.replace(/\D/g, '').length >= 7 && v.replace(/\D/g, '').length <= 15)
  );
}
