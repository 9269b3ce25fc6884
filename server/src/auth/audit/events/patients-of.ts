import { OBJECT_ROLE } from './codes.js';
import type { AuditEvent } from './types.js';

/**
 * The `Patient/<id>` references of an event's patient entities (object role 1): what to pass as
 * `patients` to `AuditLog.append`, so that the "who accessed my record" index matches the event.
 */
export function patientsOf(event: AuditEvent): string[] {
  const patients: string[] = [];
  for (const entity of event.entity ?? []) {
    const reference = entity.what?.reference;
    if (
      entity.role?.system === OBJECT_ROLE.patient.system &&
      entity.role.code === OBJECT_ROLE.patient.code &&
      reference !== undefined
    ) {
      patients.push(reference);
    }
  }
  return patients;
}
