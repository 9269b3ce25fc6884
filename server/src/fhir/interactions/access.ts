import type { Queryable } from '../../platform/db/pool.js';
import type { StoredVersion } from '../storage/resource-store.js';

/** SMART's interaction letters: create, read, update, delete, search. */
export type AccessLetter = 'c' | 'r' | 'u' | 'd' | 's';

/** The FHIR interaction being carried out, as audited. */
export type AccessAction =
  | 'read'
  | 'vread'
  | 'search'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history'
  // Patient/$everything: a patient's whole record at once.
  | 'export';

/** A resource on its way out: its type, id and JSON text. */
export interface ResourceView {
  resourceType: string;
  id: string;
  content: string;
  /** Whose record it is (patient ids), when the caller read that with the content (search pages). */
  patients?: readonly string[];
}

/**
 * What the caller of one request may do, asked by every interaction (also inside Bundles) — the FHIR
 * layer's only view of the access policy, which auth/access implements. Denials throw a FhirError
 * (403, or 404 where existence must not be revealed) and are recorded for audit by the policy.
 */
export interface Access {
  /** May the caller do `letter` on `type` at all (role, scopes)? */
  require(type: string, letter: AccessLetter, action: AccessAction): void;
  /** The same question without the denial: for leaving types out of a search across types. */
  allows(type: string, letter: AccessLetter): boolean;
  /**
   * Patient ids whose compartments bound what the caller can see of compartment types (and of
   * Patient itself); null when not bounded by patients.
   */
  compartment(): readonly string[] | null;
  /**
   * Search criteria that every `type` resource the caller reaches with `letter` must also match (a
   * granular SMART scope such as `patient/Observation.rs?category=laboratory`); null when none.
   */
  criteria(type: string, letter: AccessLetter): [string, string][] | null;
  /**
   * A stored version about to be shown: the text to show (maybe fewer elements), or null (hidden).
   * `q` is the interaction's connection: what the policy needs to read (consents) goes through it,
   * never through a second connection the request would wait for while holding the first.
   */
  view(action: AccessAction, version: ResourceView, q: Queryable): Promise<string | null>;
  /**
   * Whether `viewMany` wants search results to say whose record each is (`ResourceView.patients`),
   * which the search reads from its index at some cost.
   */
  readonly wantsPatients: boolean;
  /** Search or history results, matches and includes alike: for each, the text to show or null. */
  viewMany(action: AccessAction, entries: readonly ResourceView[], q: Queryable): Promise<(string | null)[]>;
  /**
   * A resource about to be written (`before` the version it replaces, if any). Throws when the caller
   * may not write it; may return a changed resource (elements a limited view could not see, kept).
   */
  write(
    action: AccessAction,
    resource: Record<string, unknown> & { resourceType: string },
    before: StoredVersion | undefined,
  ): Promise<Record<string, unknown> & { resourceType: string }>;
  /** A version was written (for the audit). */
  wrote(action: AccessAction, version: StoredVersion): void;
}

/**
 * No policy: every interaction allowed, nothing audited. For the data layer's own tests and the
 * benchmark's baseline; never what the server runs with (see app.ts).
 */
export const OPEN_ACCESS: Access = {
  require: () => undefined,
  allows: () => true,
  compartment: () => null,
  criteria: () => null,
  view: async (_action, v) => v.content,
  wantsPatients: false,
  viewMany: async (_action, entries) => entries.map((e) => e.content),
  write: async (_action, resource) => resource,
  wrote: () => undefined,
};
