import type {
  ClinicianAvailability,
  DateOverride,
  WeeklyRule,
} from '../../../server/src/modules/scheduling/availability/types.js';
import { ApiError } from './api-error.js';
import type { FhirClient, FhirResource } from './fhir-client.js';
import type { CodeableConcept } from './fhir-text.js';

/**
 * Scheduling as the app uses it: the FHIR operations on Appointment (`$find`, `$book`, …) and the
 * JSON configuration API under `/api/scheduling` (visit types, a clinician's hours), both through
 * the FHIR client (the same token, renewal and error kinds). The pure helpers below read the
 * Appointments the server writes.
 */

export type Modality = 'video' | 'audio' | 'in-person';

export interface VisitType {
  id: string;
  serviceLine: string;
  name: string;
  durationMin: number;
  modalities: Modality[];
  groupCapacity: number;
  bookableBy: string[];
  patientKind: 'new' | 'established' | 'any';
  minNoticeMin?: number;
  bookingWindowDays?: number;
}

/** The server's own terms for hours (availability/types.ts), as the API carries them. */
export type { DateOverride, WeeklyRule };

/** An instant as the server keeps it (epoch ms) or as it accepts it (ISO text with a zone). */
export interface TimeOff {
  start: string | number;
  end: string | number;
  reason?: string;
}

/** A clinician's availability as the configuration API sends and takes it (time off as ISO text). */
export type Availability = Omit<ClinicianAvailability, 'timeOff'> & {
  timeOff: TimeOff[];
  [key: string]: unknown;
};

export interface SchedulingPolicy {
  patientChangeMinNoticeMin: number;
  waitlistOfferMin: number;
  noShowGraceMin: number;
}

export interface Reference {
  reference?: string;
  display?: string;
}

interface Extension {
  url: string;
  valueCode?: string;
  valueUnsignedInt?: number;
  extension?: Extension[];
}

export interface Appointment extends FhirResource {
  resourceType: 'Appointment';
  status?: string;
  start?: string;
  end?: string;
  minutesDuration?: number;
  comment?: string;
  appointmentType?: CodeableConcept;
  serviceCategory?: CodeableConcept[];
  extension?: Extension[];
  participant?: { actor?: Reference }[];
  cancelationReason?: { text?: string };
  requestedPeriod?: { start?: string; end?: string }[];
}

export const MODALITY_EXTENSION = 'urn:openvisit:modality';
/** A group session's seats (sub-extensions `capacity`, `taken`). */
export const SEATS_EXTENSION = 'urn:openvisit:group-seats';
/** The notice for patients' changes online when the tenant's policy could not be read (minutes). */
export const DEFAULT_NOTICE_MIN = 120;
const API = '/api/scheduling';

/** An instant as the operations take it: UTC, to the second. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

type ParameterValue = string | undefined;

/** A FHIR Parameters body; `start` and `end` are dateTimes, everything else a string; blanks left out. */
export function parameters(values: Record<string, ParameterValue>): FhirResource {
  return {
    resourceType: 'Parameters',
    parameter: Object.entries(values)
      .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
      .map(([name, value]) =>
        name === 'start' || name === 'end' ? { name, valueDateTime: value } : { name, valueString: value },
      ),
  };
}

export interface FindQuery {
  visitType: string;
  start: number;
  end: number;
  /** A practitioner id; all who offer the visit type when absent. */
  practitioner?: string;
  /** The patient's US state (a code or a name): only clinicians licensed there. */
  state?: string;
  /** Only clinicians who speak this language (BCP 47). */
  language?: string;
  count?: number;
}

export interface BookRequest {
  visitType: string;
  start: string;
  practitioner?: string;
  patient?: string;
  modality?: Modality;
  state?: string;
  language?: string;
}

const ref = (type: string, id: string | undefined) => (id ? `${type}/${id}` : undefined);

export class Scheduling {
  constructor(private readonly fhir: FhirClient) {}

  visitTypes(): Promise<VisitType[]> {
    return this.fhir.api<VisitType[]>(`${API}/visit-types`);
  }

  policy(): Promise<SchedulingPolicy> {
    return this.fhir.api<SchedulingPolicy>(`${API}/policy`);
  }

  availability(practitionerId: string): Promise<Availability> {
    return this.fhir.api<Availability>(
      `${API}/clinicians/${encodeURIComponent(practitionerId)}/availability`,
    );
  }

  saveAvailability(a: Availability): Promise<Availability> {
    return this.fhir.api<Availability>(
      `${API}/clinicians/${encodeURIComponent(a.practitionerId)}/availability`,
      { method: 'PUT', body: a },
    );
  }

  /** Free times as proposed Appointments, earliest first. */
  async find(q: FindQuery): Promise<Appointment[]> {
    const params: Record<string, string> = {
      'visit-type': q.visitType,
      start: isoInstant(q.start),
      end: isoInstant(q.end),
      _count: String(q.count ?? 500),
    };
    if (q.practitioner) params.practitioner = q.practitioner;
    if (q.state) params.state = q.state;
    if (q.language) params.language = q.language;
    return entries(await this.fhir.request(`Appointment/$find?${new URLSearchParams(params).toString()}`));
  }

  book(r: BookRequest): Promise<Appointment> {
    return this.operation('Appointment/$book', {
      'visit-type': r.visitType,
      start: r.start,
      practitioner: ref('Practitioner', r.practitioner),
      patient: ref('Patient', r.patient),
      modality: r.modality,
      state: r.state,
      language: r.language,
    });
  }

  reschedule(
    id: string,
    r: { start: string; practitioner?: string; patient?: string; modality?: Modality },
  ): Promise<Appointment> {
    return this.operation(`Appointment/${id}/$reschedule`, {
      start: r.start,
      practitioner: ref('Practitioner', r.practitioner),
      patient: ref('Patient', r.patient),
      modality: r.modality,
    });
  }

  /** Cancels a visit, or takes a waitlist entry (an Appointment with status `waitlist`) off the list. */
  cancel(id: string, r: { reason?: string; patient?: string } = {}): Promise<Appointment> {
    return this.operation(`Appointment/${id}/$cancel`, {
      reason: r.reason?.trim() || undefined,
      patient: ref('Patient', r.patient),
    });
  }

  waitlist(r: {
    visitType: string;
    start: number;
    end: number;
    practitioner?: string;
    patient?: string;
  }): Promise<Appointment> {
    return this.operation('Appointment/$waitlist', {
      'visit-type': r.visitType,
      start: isoInstant(r.start),
      end: isoInstant(r.end),
      practitioner: ref('Practitioner', r.practitioner),
      patient: ref('Patient', r.patient),
    });
  }

  /** Open offers of freed times: each Appointment's id is the offer's, `requestedPeriod[0].end` its expiry. */
  async offers(patient?: string): Promise<Appointment[]> {
    const query = patient ? `?${new URLSearchParams({ patient }).toString()}` : '';
    return entries(await this.fhir.request(`Appointment/$offers${query}`));
  }

  acceptOffer(offer: string, patient?: string): Promise<Appointment> {
    return this.operation('Appointment/$accept-offer', { offer, patient: ref('Patient', patient) });
  }

  async declineOffer(offer: string, patient?: string): Promise<void> {
    await this.operation('Appointment/$decline-offer', { offer, patient: ref('Patient', patient) });
  }

  /** Sessions of a group visit type with places left (from now, for 30 days unless a window is given). */
  async groupSessions(visitType: string, window?: { start: number; end: number }): Promise<Appointment[]> {
    const query = new URLSearchParams({
      'visit-type': visitType,
      ...(window ? { start: isoInstant(window.start), end: isoInstant(window.end) } : {}),
    }).toString();
    return entries(await this.fhir.request(`Appointment/$group-sessions?${query}`));
  }

  /** Staff plan a group session of a group visit type (its seats are the visit type's capacity). */
  createGroupSession(r: { visitType: string; practitioner: string; start: string }): Promise<Appointment> {
    return this.operation('Appointment/$group-session', {
      'visit-type': r.visitType,
      practitioner: ref('Practitioner', r.practitioner),
      start: r.start,
    });
  }

  join(sessionAppointmentId: string, patient?: string): Promise<Appointment> {
    return this.operation(`Appointment/${sessionAppointmentId}/$join`, { patient: ref('Patient', patient) });
  }

  checkIn(id: string): Promise<Appointment> {
    return this.fhir.request<Appointment>(`Appointment/${id}/$check-in`, { method: 'POST' });
  }

  noShow(id: string): Promise<Appointment> {
    return this.fhir.request<Appointment>(`Appointment/${id}/$no-show`, { method: 'POST' });
  }

  private operation(path: string, values: Record<string, ParameterValue>): Promise<Appointment> {
    return this.fhir.request<Appointment>(path, { method: 'POST', body: parameters(values) });
  }
}

function entries(bundle: unknown): Appointment[] {
  const list = (bundle as { entry?: { resource?: Appointment }[] } | undefined)?.entry ?? [];
  return list.map((e) => e.resource).filter((r): r is Appointment => r?.resourceType === 'Appointment');
}

/** The id of the participant of a type (`Practitioner`, `Patient`), or undefined. */
export function participantId(a: Appointment, type: 'Practitioner' | 'Patient'): string | undefined {
  const found = a.participant?.find((p) => p.actor?.reference?.startsWith(`${type}/`));
  return found?.actor?.reference?.slice(type.length + 1);
}

/** The name the server put on the practitioner (proposed Appointments carry it). */
export function practitionerDisplay(a: Appointment): string | undefined {
  return a.participant?.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor?.display;
}

export function modalityOf(a: Appointment): Modality | undefined {
  return a.extension?.find((e) => e.url === MODALITY_EXTENSION)?.valueCode as Modality | undefined;
}

export function visitTypeId(a: Appointment): string | undefined {
  return a.appointmentType?.coding?.[0]?.code;
}

export function visitTypeName(a: Appointment): string {
  const t = a.appointmentType;
  return t?.text ?? t?.coding?.[0]?.display ?? t?.coding?.[0]?.code ?? '';
}

/** An offer's expiry (epoch ms), or NaN. */
export function offerExpiry(a: Appointment): number {
  return Date.parse(a.requestedPeriod?.[0]?.end ?? '');
}

/**
 * A group session's seats: the server's seats extension; from its comment ("2 of 8 seats taken")
 * for a session written before the extension; else none taken of the visit type's capacity.
 */
export function seatsOf(session: Appointment, capacity?: number): { taken: number; capacity: number } | null {
  const seats = session.extension?.find((e) => e.url === SEATS_EXTENSION)?.extension;
  const part = (url: string) => seats?.find((e) => e.url === url)?.valueUnsignedInt;
  const [cap, taken] = [part('capacity'), part('taken')];
  if (cap !== undefined && taken !== undefined) return { taken, capacity: cap };
  const m = /(\d+)\s+of\s+(\d+)/.exec(session.comment ?? '');
  if (m) return { taken: Number(m[1]), capacity: Number(m[2]) };
  return capacity !== undefined ? { taken: 0, capacity } : null;
}

const LIVE = new Set(['booked', 'checked-in', 'arrived', 'pending']);

/**
 * A patient's appointments in the parts My appointments shows: upcoming visits (earliest first),
 * waitlist entries, and everything past or cancelled (latest first).
 */
export function partitionAppointments(list: readonly Appointment[], now: number) {
  const seen = new Set<string>();
  const unique = list.filter((a) => {
    if (!a.id || seen.has(a.id)) return false;
    seen.add(a.id);
    return true;
  });
  const time = (a: Appointment) => Date.parse(a.start ?? '') || 0;
  const ends = (a: Appointment) => Date.parse(a.end ?? a.start ?? '') || 0;
  const upcoming = unique
    .filter((a) => LIVE.has(a.status ?? '') && ends(a) > now)
    .sort((a, b) => time(a) - time(b));
  const waitlist = unique.filter((a) => a.status === 'waitlist');
  const past = unique
    .filter((a) => !upcoming.includes(a) && !waitlist.includes(a) && a.status !== 'proposed')
    .sort((a, b) => time(b) - time(a));
  return { upcoming, waitlist, past };
}

/**
 * Whether a patient may still change a visit online: the tenant's notice (minutes) before its start.
 * Staff may change any time.
 */
export function patientMayChange(a: Appointment, now: number, noticeMin: number): boolean {
  const start = Date.parse(a.start ?? '');
  return Number.isFinite(start) && start - now >= noticeMin * 60_000;
}

/**
 * Whether staff may still move or cancel a visit: a patient's booked visit that has not ended. The
 * tenant's notice binds patients only; the server decides the rest (the new time's own rules).
 */
export function staffMayChange(a: Appointment, now: number): boolean {
  const end = Date.parse(a.end ?? a.start ?? '');
  return (
    a.status === 'booked' &&
    Boolean(a.id) &&
    participantId(a, 'Patient') !== undefined &&
    Number.isFinite(end) &&
    end > now
  );
}

/** A group session's own Appointment: the clinician's time, no patient, with its seats. */
export function isGroupSession(a: Appointment): boolean {
  return (
    participantId(a, 'Patient') === undefined && a.extension?.some((e) => e.url === SEATS_EXTENSION) === true
  );
}

export interface SessionSeats {
  session: Appointment;
  taken: number;
  capacity: number;
}

/**
 * The group sessions among a clinician's appointments (not the patients' seats, not cancelled
 * ones), earliest first, each with its seats; a session that does not say its capacity takes its
 * visit type's (`capacityOf`).
 */
export function groupSessionsOf(
  list: readonly Appointment[],
  capacityOf: (visitTypeId: string | undefined) => number | undefined = () => undefined,
): SessionSeats[] {
  const seen = new Set<string>();
  const out: SessionSeats[] = [];
  for (const a of list) {
    if (!a.id || seen.has(a.id) || a.status === 'cancelled' || participantId(a, 'Patient')) continue;
    const capacity = capacityOf(visitTypeId(a));
    if (!isGroupSession(a) && capacity === undefined) continue;
    const seats = seatsOf(a, capacity);
    if (!seats) continue;
    seen.add(a.id);
    out.push({ session: a, ...seats });
  }
  const time = (x: SessionSeats) => Date.parse(x.session.start ?? '') || 0;
  return out.sort((x, y) => time(x) - time(y));
}

/** One free time per start: for "first available", where the server picks the clinician. */
export function oneTimePerStart(slots: readonly Appointment[]): Appointment[] {
  const seen = new Set<string>();
  return slots.filter((s) => {
    const key = String(Date.parse(s.start ?? ''));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The clinicians of a set of free times, by name. */
export function cliniciansOf(slots: readonly Appointment[]): { id: string; name: string }[] {
  const byId = new Map<string, string>();
  for (const s of slots) {
    const id = participantId(s, 'Practitioner');
    if (id && !byId.has(id)) byId.set(id, practitionerDisplay(s) ?? id);
  }
  return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** What a refused scheduling request means for the person booking. */
export type Refusal =
  | { kind: 'taken'; alternatives: Appointment[] }
  | { kind: 'too-late' }
  | { kind: 'not-offered' }
  | { kind: 'not-allowed' }
  | { kind: 'other'; error: unknown };

/**
 * A failed `$book`, `$reschedule`, `$cancel` or offer answer, in the terms the pages word: the time
 * was just taken (409, with the free alternatives the server sent), too late to change online
 * (422 of the notice rule), a time not on offer or a rule refused (422), not for this role (403).
 */
export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof ApiError)) return { kind: 'other', error };
  const diagnostics = (error.outcome?.issue ?? []).map((i) => i.diagnostics ?? '').join(' ');
  if (error.status === 409) {
    const alternatives = (error.outcome?.contained ?? []).filter(
      (r): r is Appointment =>
        (r as Appointment | null)?.resourceType === 'Appointment' && (r as Appointment).status === 'proposed',
    );
    return { kind: 'taken', alternatives };
  }
  if (error.status === 422 && /too late|call the clinic/i.test(diagnostics)) return { kind: 'too-late' };
  if (error.status === 422) return { kind: 'not-offered' };
  if (error.status === 403) return { kind: 'not-allowed' };
  return { kind: 'other', error };
}

interface PatientFacts {
  address?: { state?: string }[];
  communication?: { language?: { coding?: { code?: string }[] }; preferred?: boolean }[];
}

/**
 * What narrows a patient's search for clinicians: the state they live in (clinicians must be
 * licensed there) and the language they marked as preferred, unless it is English (everyone's).
 * A language merely listed, not marked preferred, does not narrow the search.
 */
export function searchFiltersOf(p: PatientFacts): { state?: string; language?: string } {
  const state = p.address?.find((a) => a.state?.trim())?.state?.trim();
  const preferred = p.communication?.find((c) => c.preferred === true);
  const code = preferred?.language?.coding
    ?.find((c) => c.code)
    ?.code?.split('-')[0]
    ?.toLowerCase();
  return {
    ...(state ? { state } : {}),
    ...(code && code !== 'en' ? { language: code } : {}),
  };
}
