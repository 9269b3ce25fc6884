import type { Tokens } from './oauth-session.js';

/**
 * What the app offers someone, from who they are (`fhirUser`) and their roles: the portal for a
 * patient or caregiver, the workspace and its schedule for staff. The server decides what each may
 * do; this only shapes the navigation and the start page.
 */
export type AppRole = 'patient' | 'caregiver' | 'practitioner' | 'front-desk' | 'staff';

export function appRole(tokens: Pick<Tokens, 'fhirUser' | 'roles'>): AppRole {
  const type = (tokens.fhirUser ?? '').split('/')[0];
  if (type === 'Patient') return 'patient';
  if (type === 'RelatedPerson') return 'caregiver';
  if (type === 'Practitioner') return 'practitioner';
  if (tokens.roles.includes('front-desk')) return 'front-desk';
  return 'staff';
}

/** Whether the role books for themselves or a dependent (the portal's appointments). */
export function booksOwnVisits(role: AppRole): boolean {
  return role === 'patient' || role === 'caregiver';
}

/** Whether the role works with clinicians' schedules (calendar, hours, booking for patients). */
export function keepsSchedules(role: AppRole): boolean {
  return role === 'practitioner' || role === 'front-desk';
}
