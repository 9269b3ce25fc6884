/**
 * What each role may do to each resource type, before anything narrows it further: the patient
 * compartment (a patient sees their own record, not everyone's), the token's scopes (`scopes.ts`),
 * consent, and element limits (`minimum-necessary.ts`). The rule is health care's "minimum
 * necessary": a role gets what its work needs and nothing more, so most cells are empty.
 *
 * Nobody but tenant administrators deletes: clinical data is corrected by setting a status
 * (`entered-in-error`), which keeps the history the law and the audit need.
 */
import { categoryOf, isListedType, type Category } from './resource-categories.js';
import type { Role } from './roles.js';
import { INTERACTIONS, type Interaction } from './scopes.js';

/** Interaction letters in `cruds` order, each at most once: `rs`, `crus`… (checked by the compiler). */
export type Letters = `${'c' | ''}${'r' | ''}${'u' | ''}${'d' | ''}${'s' | ''}`;

export interface RoleGrants {
  /** What the role may do to every type of a category; a missing category means nothing. */
  readonly categories: Readonly<Partial<Record<Category, Letters>>>;
  /** Exceptions for single types: the letters given *replace* those of the type's category. */
  readonly types?: Readonly<Record<string, Letters>>;
}

/** Patients and caregivers (who act for a patient) share one row. */
const PATIENT_SIDE: RoleGrants = {
  categories: {
    clinical: 'rs',
    demographic: 'rs',
    scheduling: 'rs',
    financial: 'rs',
    consent: 'rs',
    audit: 'rs', // "who looked at my record"
    directory: 'rs', // their clinicians, clinics and services (to book)
    definitional: 'rs', // intake questionnaires
  },
  types: {
    QuestionnaireResponse: 'crus', // intake and follow-up forms
    Communication: 'crus', // messages to the care team
    Consent: 'crus', // giving and withdrawing consent
    Observation: 'crus', // home device readings
    // Booking goes through the scheduling operations (Appointment/$book), which hold the time.
    Appointment: 'rs',
    Patient: 'rus', // keeping their own contact details current
  },
};

const CLINICIAN: RoleGrants = {
  categories: {
    clinical: 'crus',
    demographic: 'crus',
    scheduling: 'crus',
    consent: 'crus',
    financial: 'rs',
    directory: 'rs',
    definitional: 'rs',
  },
};

/** The role × category matrix, one row per role. */
export const ROLE_GRANTS: Readonly<Record<Role, RoleGrants>> = {
  patient: PATIENT_SIDE,
  caregiver: PATIENT_SIDE,
  clinician: CLINICIAN,
  nurse: {
    categories: CLINICIAN.categories,
    // Orders need a prescriber: nurses read them but neither place nor change them.
    types: { MedicationRequest: 'rs', ServiceRequest: 'rs' },
  },
  'front-desk': {
    categories: { demographic: 'crus', scheduling: 'crus', directory: 'rs' },
    // Registration records insurance; it sees visits (element-limited) but no other care data.
    types: { Coverage: 'crus', Encounter: 'rs' },
  },
  billing: {
    // Coverage is financial, so billing keeps it up to date as well as reading it.
    categories: { financial: 'crus', demographic: 'rs', directory: 'rs' },
    // Visits are what is billed (element-limited); no other care data.
    types: { Encounter: 'rs' },
  },
  operations: {
    categories: { scheduling: 'rs', directory: 'rs' },
  },
  'tenant-admin': {
    // Runs the tenant's directory and configuration; reads audit and consent to answer for them.
    categories: { directory: 'cruds', definitional: 'cruds', audit: 'rs', consent: 'rs' },
  },
  'platform-admin': {
    // Tenant data belongs to tenants: the operator sees only what is not about patients.
    categories: { directory: 'rs', definitional: 'rs' },
  },
};

/** The matrix as sets, built once; Maps so a type named `constructor` or `__proto__` finds nothing. */
const COMPILED: ReadonlyMap<Role, { categories: Map<Category, Letters>; types: Map<string, Letters> }> =
  new Map(
    (Object.keys(ROLE_GRANTS) as Role[]).map((role) => {
      const g = ROLE_GRANTS[role];
      return [
        role,
        {
          categories: new Map(Object.entries(g.categories) as [Category, Letters][]),
          types: new Map(Object.entries(g.types ?? {})),
        },
      ];
    }),
  );

function lettersFor(role: Role, resourceType: string): Letters {
  const grants = COMPILED.get(role);
  if (!grants) return '';
  // A name that is no R4 type (`constructor`, a typo) is granted nothing, whatever the category default.
  if (!isListedType(resourceType)) return '';
  return grants.types.get(resourceType) ?? grants.categories.get(categoryOf(resourceType)) ?? '';
}

/** Everything the roles together may do to `resourceType` (the union of their rows). */
export function allowedInteractions(roles: readonly Role[], resourceType: string): ReadonlySet<Interaction> {
  const allowed = new Set<Interaction>();
  for (const role of roles)
    for (const letter of lettersFor(role, resourceType)) allowed.add(letter as Interaction);
  // Keep `cruds` order for callers that list them.
  return new Set(INTERACTIONS.filter((i) => allowed.has(i)));
}

/** Whether any of `roles` may perform `interaction` on `resourceType`. No roles, no access. */
export function roleAllows(roles: readonly Role[], resourceType: string, interaction: Interaction): boolean {
  return roles.some((role) => lettersFor(role, resourceType).includes(interaction));
}
