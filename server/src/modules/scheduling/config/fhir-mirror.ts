import crypto from 'node:crypto';
import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import type { InteractionDeps } from '../../../fhir/interactions/deps.js';
import { updateResource } from '../../../fhir/interactions/write.js';
import type { Queryable } from '../../../platform/db/pool.js';
import type { ClinicianAvailability, VisitType } from '../availability/types.js';
import { SERVICE_LINE_SYSTEM, VISIT_TYPE_SYSTEM } from '../booking/appointment-resource.js';

const SCHEDULING_SYSTEM = 'urn:openvisit:scheduling';
const TZ_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/tz-code';
const RRULE_EXTENSION = 'urn:openvisit:availability-rrule';
const DAYS: Record<string, string> = {
  MO: 'mon',
  TU: 'tue',
  WE: 'wed',
  TH: 'thu',
  FR: 'fri',
  SA: 'sat',
  SU: 'sun',
};

export const serviceLineId = (code: string) => `service-line-${code}`;

/** A clinician's scheduling resources share one id, derived from theirs (ids stay under 64 chars). */
export function clinicianScheduleId(practitionerId: string): string {
  return `sched-${crypto.createHash('sha256').update(practitionerId).digest('hex').slice(0, 24)}`;
}

function title(code: string): string {
  const text = code.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** FHIR has no empty arrays: a list with nothing in it is left out. */
const some = <T>(key: string, list: T[]): Record<string, T[]> => (list.length > 0 ? { [key]: list } : {});

const time = (hhmm: string) => (hhmm === '24:00' ? '23:59:59' : `${hhmm}:00`);

/**
 * The FHIR record of a service line: a HealthcareService whose `type`s are its visit types, so
 * other systems (and the directory) read what can be booked there.
 */
export async function mirrorServiceLine(
  fhir: InteractionDeps,
  q: Queryable,
  tenantId: number,
  serviceLine: string,
  visitTypes: VisitType[],
): Promise<void> {
  const id = serviceLineId(serviceLine);
  await updateResource(fhir, { tenantId, access: OPEN_ACCESS, q }, 'HealthcareService', id, {
    resourceType: 'HealthcareService',
    id,
    identifier: [{ system: SERVICE_LINE_SYSTEM, value: serviceLine }],
    active: true,
    category: [{ coding: [{ system: SERVICE_LINE_SYSTEM, code: serviceLine }], text: title(serviceLine) }],
    name: title(serviceLine),
    ...some(
      'type',
      visitTypes
        .filter((vt) => vt.serviceLine === serviceLine)
        .map((vt) => ({
          coding: [{ system: VISIT_TYPE_SYSTEM, code: vt.id, display: vt.name }],
          text: vt.name,
        })),
    ),
    appointmentRequired: true,
  });
}

/**
 * The FHIR record of a clinician's availability: a PractitionerRole (weekly hours as
 * `availableTime`, each with its RRULE; time off as `notAvailable`; their zone) and the Schedule
 * that names them. The scheduler's own table stays the source; these are what others read.
 */
export async function mirrorClinician(
  fhir: InteractionDeps,
  q: Queryable,
  tenantId: number,
  c: ClinicianAvailability,
): Promise<{ practitionerRoleId: string; scheduleId: string }> {
  const id = clinicianScheduleId(c.practitionerId);
  const scope = { tenantId, access: OPEN_ACCESS, q };
  const identifier = [{ system: SCHEDULING_SYSTEM, value: c.practitionerId }];
  await updateResource(fhir, scope, 'PractitionerRole', id, {
    resourceType: 'PractitionerRole',
    id,
    identifier,
    active: true,
    extension: [{ url: TZ_EXTENSION, valueCode: c.timeZone }],
    practitioner: { reference: `Practitioner/${c.practitionerId}` },
    ...some(
      'healthcareService',
      c.serviceLines.map((line) => ({ reference: `HealthcareService/${serviceLineId(line)}` })),
    ),
    ...some(
      'availableTime',
      c.rules.map((r) => {
        const byDay = /BYDAY=([A-Z,]+)/.exec(r.rrule)?.[1]?.split(',') ?? [];
        return {
          extension: [{ url: RRULE_EXTENSION, valueString: r.rrule }],
          daysOfWeek: byDay.map((d) => DAYS[d]).filter((d): d is string => d !== undefined),
          availableStartTime: time(r.start),
          availableEndTime: time(r.end),
        };
      }),
    ),
    ...some(
      'notAvailable',
      c.timeOff.map((t) => ({
        description: t.reason ?? 'Time off',
        during: { start: new Date(t.start).toISOString(), end: new Date(t.end).toISOString() },
      })),
    ),
  });
  await updateResource(fhir, scope, 'Schedule', id, {
    resourceType: 'Schedule',
    id,
    identifier,
    active: true,
    ...some(
      'serviceCategory',
      c.serviceLines.map((line) => ({ coding: [{ system: SERVICE_LINE_SYSTEM, code: line }] })),
    ),
    actor: [{ reference: `Practitioner/${c.practitionerId}` }, { reference: `PractitionerRole/${id}` }],
    comment: 'Free times are found with Appointment/$find',
  });
  return { practitionerRoleId: id, scheduleId: id };
}
