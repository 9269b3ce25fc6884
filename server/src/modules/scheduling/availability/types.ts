/**
 * The scheduling domain's own terms, free of storage and HTTP. Times are epoch milliseconds (UTC
 * instants) unless named local: a local date is `YYYY-MM-DD`, a local time `HH:MM`, both in the
 * clinician's own IANA time zone.
 */

export type Modality = 'video' | 'audio' | 'in-person';

/** Who may book a visit type themselves (staff book for a patient). */
export type Booker = 'patient' | 'caregiver' | 'front-desk' | 'clinician' | 'nurse';

/** A kind of visit of a service line: how long, how, and under which booking rules. */
export interface VisitType {
  /** Stable code, unique in the tenant, e.g. `primary-care-video-20`. */
  id: string;
  /** The service line (HealthcareService) code, e.g. `primary-care`. */
  serviceLine: string;
  name: string;
  durationMin: number;
  modalities: Modality[];
  bufferBeforeMin: number;
  bufferAfterMin: number;
  /** A slot starts at least this long after now. */
  minNoticeMin: number;
  /** A slot starts at most this many days after now. */
  bookingWindowDays: number;
  /** Slot starts are this far apart (default: the duration). */
  slotStepMin?: number;
  /** `new`: only patients the service line has not seen; `established`: only those it has. */
  patientKind: 'new' | 'established' | 'any';
  bookableBy: Booker[];
  /** 1 for a one-to-one visit; more for a group session with that many seats. */
  groupCapacity: number;
}

/** Weekly working hours: an RFC 5545 RRULE (weekly) and a local time range on each day it gives. */
export interface WeeklyRule {
  /** e.g. `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR` (with or without the `RRULE:` prefix); INTERVAL allowed. */
  rrule: string;
  start: string;
  end: string;
  /** First local date the rule applies (inclusive); the rule's DTSTART. */
  validFrom: string;
  /** Last local date the rule applies (inclusive); open-ended when absent. */
  validUntil?: string;
  /** Only these service lines in these hours; every line of the clinician when absent. */
  serviceLines?: string[];
}

/** A local date whose hours replace the weekly rules' (none: the day off). */
export interface DateOverride {
  date: string;
  intervals: { start: string; end: string }[];
}

/** Time off: an instant range with no visits (vacation, a meeting), in UTC. */
export interface TimeOff {
  start: number;
  end: number;
  reason?: string;
}

/** What the scheduler knows of a clinician's availability and who they may see. */
export interface ClinicianAvailability {
  /** FHIR Practitioner id. */
  practitionerId: string;
  timeZone: string;
  rules: WeeklyRule[];
  overrides: DateOverride[];
  timeOff: TimeOff[];
  /** At most this many appointments on one local day / ISO week (Monday first) of theirs. */
  maxPerDay?: number;
  maxPerWeek?: number;
  /** Two-letter US state (or region) codes the clinician is licensed in. */
  licensedStates: string[];
  /** BCP 47 primary language tags the clinician speaks, e.g. `en`, `es`. */
  languages: string[];
  serviceLines: string[];
  /** Share of "first available" assignments relative to the pool (default 1). */
  weight: number;
}

/**
 * A range of a clinician's time that is taken: a booked appointment's blocked range (its own
 * buffers included), a hold, or a group session. Appointments count toward the caps.
 */
export interface BusyInterval {
  practitionerId: string;
  start: number;
  end: number;
  /** Counts toward maxPerDay / maxPerWeek (appointments do, holds of a waitlist offer too). */
  counts: boolean;
  /**
   * The appointment's own start (its buffer excluded), when known: the caps count it on this
   * instant's local date, as the booking code does; without it, on the local date of `start`.
   */
  appointmentStart?: number;
  /**
   * How many appointments this row counts for toward the caps (default 1): a count-only row (an
   * empty range) can stand for all of a clinician's appointments of one local day.
   */
  appointments?: number;
}

export interface SlotQuery {
  visitType: VisitType;
  /** Search window (instants); clipped to the visit type's notice and booking window. */
  from: number;
  to: number;
  now: number;
  /** The patient's state: only clinicians licensed there. */
  state?: string;
  /** Only clinicians speaking this language. */
  language?: string;
  /** Only these clinicians (a given clinician). */
  practitionerIds?: string[];
  /** At most this many slots (earliest first). */
  limit?: number;
}

/** A time a clinician can see the patient: the visit itself, without its buffers. */
export interface Slot {
  practitionerId: string;
  start: number;
  end: number;
}
