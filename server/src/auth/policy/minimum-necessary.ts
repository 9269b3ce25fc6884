/**
 * Element limits: which top-level elements a role may see of a type it may read. Registration
 * (front-desk) and billing need who the patient is and that a visit happened, not why: they see the
 * registration parts of Patient and the administrative parts of Encounter, never its reasons or
 * diagnoses. Every other type a role may read it sees whole.
 *
 * Resources served this way carry the SUBSETTED tag, so clients know not to write them back as they
 * are (an update from a subset would erase what was left out); the write path must refuse or merge.
 */
import { roleAllows } from './permissions.js';
import type { Role } from './roles.js';

/** Kept in every subset: without them the result is not a resource. */
const ALWAYS_KEPT: ReadonlySet<string> = new Set(['resourceType', 'id', 'meta']);

/** The standard FHIR marker of a resource that is not complete (as `_elements` and `_summary` add). */
export const SUBSETTED_TAG = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
} as const;

/**
 * What registration and billing need of a Patient: identity, contact and the links between records.
 * Left out: narrative (`text`) and `contained` (they can hold anything), extensions (race, ethnicity,
 * birth sex…), `deceased[x]`, `maritalStatus`, `multipleBirth[x]`, `photo`.
 */
const PATIENT_REGISTRATION: readonly string[] = [
  'identifier',
  'active',
  'name',
  'telecom',
  'gender',
  'birthDate',
  'address',
  'contact',
  'communication',
  'generalPractitioner',
  'managingOrganization',
  'link',
];

/**
 * That a visit happened, when, where, with whom and on which account. Left out: `reasonCode`,
 * `reasonReference`, `diagnosis` (why the patient came), `hospitalization`, the histories, `basedOn`,
 * `episodeOfCare`, `partOf`, narrative, contained resources and extensions.
 */
const ENCOUNTER_ADMINISTRATIVE: readonly string[] = [
  'identifier',
  'status',
  'class',
  'type',
  'serviceType',
  'priority',
  'subject',
  'participant',
  'appointment',
  'period',
  'length',
  'account',
  'location',
  'serviceProvider',
];

/** Top-level element names (JSON keys; none is a choice element) a role sees of a type; absent = all. */
export const ELEMENT_LIMITS: Readonly<Partial<Record<Role, Readonly<Record<string, readonly string[]>>>>> = {
  'front-desk': { Patient: PATIENT_REGISTRATION, Encounter: ENCOUNTER_ADMINISTRATIVE },
  billing: { Patient: PATIENT_REGISTRATION, Encounter: ENCOUNTER_ADMINISTRATIVE },
};

function limitOf(role: Role, resourceType: string): readonly string[] | undefined {
  const limits = ELEMENT_LIMITS[role];
  return limits && Object.hasOwn(limits, resourceType) ? limits[resourceType] : undefined;
}

/**
 * The top-level elements `roles` together may see of `resourceType`: `'all'`, or the union of their
 * limits (one role seeing the whole type wins). Only roles that may read or search the type count —
 * otherwise a role with no access at all would lift another's limit. When none may, the answer is the
 * empty list (fail closed; `roleAllows` is what refuses the request).
 */
export function elementsFor(roles: readonly Role[], resourceType: string): readonly string[] | 'all' {
  const union = new Set<string>();
  for (const role of roles) {
    if (!roleAllows([role], resourceType, 'r') && !roleAllows([role], resourceType, 's')) continue;
    const limit = limitOf(role, resourceType);
    if (limit === undefined) return 'all';
    for (const element of limit) union.add(element);
  }
  return [...union];
}

/**
 * A shallow copy of `resource` with only `elements` (plus `resourceType`, `id`, `meta`), tagged
 * SUBSETTED; with `'all'`, the resource itself. A kept primitive keeps its `_element` sibling (its id
 * and extensions). The input is not modified.
 */
export function applyElements<T extends Record<string, unknown>>(
  resource: T,
  elements: readonly string[] | 'all',
): T {
  if (elements === 'all') return resource;
  const wanted = new Set(elements);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const bare = key.startsWith('_') ? key.slice(1) : key;
    if (ALWAYS_KEPT.has(bare) || wanted.has(bare)) out[key] = value;
  }
  const meta =
    typeof out.meta === 'object' && out.meta !== null && !Array.isArray(out.meta)
      ? (out.meta as Record<string, unknown>)
      : {};
  const tags = Array.isArray(meta.tag) ? (meta.tag as unknown[]) : [];
  const tagged = tags.some(
    (t) =>
      typeof t === 'object' &&
      t !== null &&
      (t as Record<string, unknown>).system === SUBSETTED_TAG.system &&
      (t as Record<string, unknown>).code === SUBSETTED_TAG.code,
  );
  out.meta = { ...meta, tag: tagged ? [...tags] : [...tags, { ...SUBSETTED_TAG }] };
  return out as T;
}
