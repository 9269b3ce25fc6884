import { FhirError } from '../../../platform/http/operation-outcome.js';
import { parseWeeklyRecurrence } from '../availability/index.js';
import type {
  Booker,
  ClinicianAvailability,
  DateOverride,
  Modality,
  VisitType,
  WeeklyRule,
} from '../availability/types.js';

const MODALITIES: readonly Modality[] = ['video', 'audio', 'in-person'];
const BOOKERS: readonly Booker[] = ['patient', 'caregiver', 'front-desk', 'clinician', 'nurse'];
const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const LOCAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A configuration refused: 422 with the path of what is wrong (no PHI in configuration). */
export function invalid(path: string, problem: string): FhirError {
  return new FhirError(422, {
    severity: 'error',
    code: 'invalid',
    diagnostics: `${path}: ${problem}`,
    expression: [path],
  });
}

type Json = Record<string, unknown>;

function obj(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(path, 'must be an object');
  return v as Json;
}
function str(o: Json, key: string, path: string, re?: RegExp): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 200 || (re && !re.test(v)))
    throw invalid(`${path}.${key}`, 'must be a valid string');
  return v;
}
function int(o: Json, key: string, path: string, min: number, max: number, dflt?: number): number {
  const v = o[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw invalid(`${path}.${key}`, `must be a whole number from ${min} to ${max}`);
  return v;
}
function list<T extends string>(
  o: Json,
  key: string,
  path: string,
  allowed?: readonly T[],
  re?: RegExp,
): T[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v) || v.length > 100) throw invalid(`${path}.${key}`, 'must be a list');
  return v.map((x, i) => {
    if (typeof x !== 'string' || (allowed && !allowed.includes(x as T)) || (re && !re.test(x)))
      throw invalid(`${path}.${key}[${i}]`, 'is not allowed');
    return x as T;
  });
}

function zone(o: Json, key: string, path: string): string {
  const tz = str(o, key, path);
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw invalid(`${path}.${key}`, 'is not an IANA time zone');
  }
  return tz;
}

export function parseVisitType(input: unknown): VisitType {
  const o = obj(input, 'VisitType');
  const p = 'VisitType';
  const vt: VisitType = {
    id: str(o, 'id', p, CODE),
    serviceLine: str(o, 'serviceLine', p, CODE),
    name: str(o, 'name', p),
    durationMin: int(o, 'durationMin', p, 5, 480),
    modalities: list(o, 'modalities', p, MODALITIES),
    bufferBeforeMin: int(o, 'bufferBeforeMin', p, 0, 240, 0),
    bufferAfterMin: int(o, 'bufferAfterMin', p, 0, 240, 0),
    minNoticeMin: int(o, 'minNoticeMin', p, 0, 60 * 24 * 90, 0),
    bookingWindowDays: int(o, 'bookingWindowDays', p, 1, 730, 90),
    patientKind: (o.patientKind ?? 'any') as VisitType['patientKind'],
    bookableBy: list(o, 'bookableBy', p, BOOKERS),
    groupCapacity: int(o, 'groupCapacity', p, 1, 500, 1),
  };
  if (o.slotStepMin !== undefined) vt.slotStepMin = int(o, 'slotStepMin', p, 5, 480);
  if (!['new', 'established', 'any'].includes(vt.patientKind))
    throw invalid(`${p}.patientKind`, 'is not allowed');
  if (vt.modalities.length === 0) throw invalid(`${p}.modalities`, 'needs at least one');
  return vt;
}

function rule(input: unknown, path: string): WeeklyRule {
  const o = obj(input, path);
  const r: WeeklyRule = {
    rrule: str(o, 'rrule', path, /^(RRULE:)?FREQ=WEEKLY(;[A-Z]+=[A-Z0-9,+-]+)*$/),
    start: str(o, 'start', path, LOCAL_TIME),
    end: str(o, 'end', path, LOCAL_TIME),
    validFrom: str(o, 'validFrom', path, LOCAL_DATE),
  };
  if (r.end <= r.start) throw invalid(`${path}.end`, 'must be after start');
  try {
    parseWeeklyRecurrence(r.rrule);
  } catch (err) {
    throw invalid(`${path}.rrule`, (err as Error).message.slice(0, 200));
  }
  if (o.validUntil !== undefined) r.validUntil = str(o, 'validUntil', path, LOCAL_DATE);
  if (o.serviceLines !== undefined) r.serviceLines = list(o, 'serviceLines', path, undefined, CODE);
  return r;
}

function override(input: unknown, path: string): DateOverride {
  const o = obj(input, path);
  const intervals = o.intervals ?? [];
  if (!Array.isArray(intervals)) throw invalid(`${path}.intervals`, 'must be a list');
  return {
    date: str(o, 'date', path, LOCAL_DATE),
    intervals: intervals.map((x, i) => {
      const iv = obj(x, `${path}.intervals[${i}]`);
      const start = str(iv, 'start', `${path}.intervals[${i}]`, LOCAL_TIME);
      const end = str(iv, 'end', `${path}.intervals[${i}]`, LOCAL_TIME);
      if (end <= start) throw invalid(`${path}.intervals[${i}].end`, 'must be after start');
      return { start, end };
    }),
  };
}

function instant(v: unknown, path: string): number {
  const ms = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(ms) || (typeof v === 'string' && !/Z|[+-]\d\d:\d\d$/.test(v)))
    throw invalid(path, 'must be an instant with a time zone');
  return ms;
}

/** A clinician's availability as configured (the practitioner id comes from the URL or caller). */
export function parseClinician(practitionerId: string, input: unknown): ClinicianAvailability {
  const o = obj(input, 'Availability');
  const p = 'Availability';
  const rules = o.rules ?? [];
  const overrides = o.overrides ?? [];
  const timeOff = o.timeOff ?? [];
  if (!Array.isArray(rules) || !Array.isArray(overrides) || !Array.isArray(timeOff))
    throw invalid(p, 'rules, overrides and timeOff must be lists');
  const c: ClinicianAvailability = {
    practitionerId,
    timeZone: zone(o, 'timeZone', p),
    rules: rules.map((r, i) => rule(r, `${p}.rules[${i}]`)),
    overrides: overrides.map((r, i) => override(r, `${p}.overrides[${i}]`)),
    timeOff: timeOff.map((x, i) => {
      const t = obj(x, `${p}.timeOff[${i}]`);
      const start = instant(t.start, `${p}.timeOff[${i}].start`);
      const end = instant(t.end, `${p}.timeOff[${i}].end`);
      if (end <= start) throw invalid(`${p}.timeOff[${i}].end`, 'must be after start');
      return typeof t.reason === 'string' ? { start, end, reason: t.reason.slice(0, 200) } : { start, end };
    }),
    licensedStates: list(o, 'licensedStates', p, undefined, /^[A-Z]{2}$/),
    languages: list(o, 'languages', p, undefined, /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/),
    serviceLines: list(o, 'serviceLines', p, undefined, CODE),
    weight: int(o, 'weight', p, 1, 100, 1),
  };
  if (o.maxPerDay !== undefined) c.maxPerDay = int(o, 'maxPerDay', p, 1, 200);
  if (o.maxPerWeek !== undefined) c.maxPerWeek = int(o, 'maxPerWeek', p, 1, 1000);
  return c;
}
