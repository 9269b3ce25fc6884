/**
 * The roles a user can hold in a tenant (`platform-admin` is the operator of the whole installation).
 * A user may hold several; what they may do is the union of their roles (`permissions.ts`).
 */

export const ROLES = [
  'patient',
  'caregiver',
  'clinician',
  'nurse',
  'front-desk',
  'billing',
  'operations',
  'tenant-admin',
  'platform-admin',
] as const;

export type Role = (typeof ROLES)[number];

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);

/** For roles read from tokens, the database or configuration, where anything may turn up. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && ROLE_SET.has(value);
}

/**
 * Everyone who works for the tenant or the platform. Their accounts reach many patients' records (or
 * the configuration that guards them), so they must sign in with a second factor; patients and
 * caregivers reach one record each and are not forced to.
 */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'patient' && r !== 'caregiver');
