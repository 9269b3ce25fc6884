import type { Queryable } from '../../../platform/db/pool.js';
import type { Channel } from './types.js';

/** FHIR's extension for a person's IANA time zone; the web app's profile page writes it. */
export const TZ_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/tz-code';
/** OpenVisit's own: the channels a patient wants reminders and notices on (web/src/api/preferences.ts). */
export const CHANNELS_EXTENSION = 'urn:openvisit:notification-channel';
const LANGUAGE_SYSTEM = 'urn:ietf:bcp:47';

export type Language = 'en' | 'es';

/**
 * What a message needs to know of its patient, read from the current Patient each time (so it is
 * never stale and never copied): the first name only, where to send and how to say it.
 */
export interface PatientContact {
  firstName: string;
  email: string | undefined;
  mobile: string | undefined;
  /** The channels the patient wants, in the web app's default when none is recorded. */
  channels: Channel[];
  language: Language;
  timeZone: string;
}

interface PatientJson {
  name?: { use?: string; given?: string[] }[];
  telecom?: { system?: string; value?: string; use?: string }[];
  communication?: { language?: { coding?: { system?: string; code?: string }[] }; preferred?: boolean }[];
  extension?: { url?: string; valueCode?: string }[];
}

/** The Patient's contact and preferences, or undefined when it does not exist (or was deleted). */
export async function readPatientContact(
  q: Queryable,
  tenantId: number,
  patientId: string,
  defaultTimeZone: string,
): Promise<PatientContact | undefined> {
  const res = await q.query<{ content: string }>(
    `SELECT content FROM resource
      WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2 AND NOT deleted AND content IS NOT NULL`,
    [tenantId, patientId],
  );
  const content = res.rows[0]?.content;
  if (content === undefined) return undefined;
  return contactOf(JSON.parse(content) as PatientJson, defaultTimeZone);
}

/** `readPatientContact` for several Patients at once, by id (those that do not exist are absent). */
export async function readPatientContacts(
  q: Queryable,
  tenantId: number,
  patientIds: readonly string[],
  defaultTimeZone: string,
): Promise<Map<string, PatientContact>> {
  const res = await q.prepared<{ id: string; content: string }>(
    'notify_patient_contacts',
    `SELECT id, content FROM resource
      WHERE tenant_id = $1 AND res_type = 'Patient' AND id = ANY($2) AND NOT deleted AND content IS NOT NULL`,
    [tenantId, patientIds],
  );
  return new Map(
    res.rows.map((r) => [r.id, contactOf(JSON.parse(r.content) as PatientJson, defaultTimeZone)]),
  );
}

/** Preferences as the web app reads and writes them (web/src/api/preferences.ts). */
export function contactOf(p: PatientJson, defaultTimeZone: string): PatientContact {
  const telecom = p.telecom ?? [];
  const email = nonEmpty(telecom.find((t) => t.system === 'email')?.value);
  const mobile = nonEmpty(telecom.find((t) => t.system === 'phone' && t.use === 'mobile')?.value);
  const ext = p.extension ?? [];
  const chosen = ext
    .filter((e) => e.url === CHANNELS_EXTENSION)
    .map((e) => e.valueCode)
    .filter((c): c is Channel => c === 'email' || c === 'sms');
  // Nothing chosen: e-mail when there is an address, else SMS when there is a mobile number.
  const channels: Channel[] =
    chosen.length > 0 ? [...new Set(chosen)] : email ? ['email'] : mobile ? ['sms'] : [];
  const preferred = p.communication?.find((c) => c.preferred) ?? p.communication?.[0];
  const tag = preferred?.language?.coding?.find((c) => c.system === LANGUAGE_SYSTEM)?.code;
  const language: Language = tag?.split('-')[0]?.toLowerCase() === 'es' ? 'es' : 'en';
  const tz = ext.find((e) => e.url === TZ_EXTENSION)?.valueCode;
  return {
    firstName: firstName(p),
    email,
    mobile,
    channels,
    language,
    timeZone: tz && validTimeZone(tz) ? tz : defaultTimeZone,
  };
}

/** The official name's first given name (else the usual name's, else any name's); '' when none. */
function firstName(p: PatientJson): string {
  const names = p.name ?? [];
  const name = names.find((n) => n.use === 'official') ?? names.find((n) => n.use === 'usual') ?? names[0];
  return name?.given?.[0]?.trim() ?? '';
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** A zone Intl knows: an unknown one would make every message for the patient fail. */
export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
