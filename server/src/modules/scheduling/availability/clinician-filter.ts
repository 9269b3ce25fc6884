import type { ClinicianAvailability, SlotQuery } from './types.js';

/** The primary subtag of a BCP 47 tag, lower-cased: `es-MX` and `ES` both give `es`. */
export function primaryLanguage(tag: string): string {
  const dash = tag.indexOf('-');
  return (dash < 0 ? tag : tag.slice(0, dash)).trim().toLowerCase();
}

/**
 * A test of whether a clinician may be offered for a query: serves the visit type's line, is
 * licensed in the patient's state, speaks the language, is one of the named clinicians.
 */
export function clinicianFilter(query: SlotQuery): (clinician: ClinicianAvailability) => boolean {
  const line = query.visitType.serviceLine;
  const state = query.state?.trim().toUpperCase();
  const language = query.language === undefined ? undefined : primaryLanguage(query.language);
  const ids = query.practitionerIds ? new Set(query.practitionerIds) : undefined;
  return (c) =>
    (ids === undefined || ids.has(c.practitionerId)) &&
    c.serviceLines.includes(line) &&
    (!state || c.licensedStates.some((s) => s.toUpperCase() === state)) &&
    (!language || c.languages.some((l) => primaryLanguage(l) === language));
}
