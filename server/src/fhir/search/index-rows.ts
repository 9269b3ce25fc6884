/**
 * The search index rows extracted from one resource at write time; one array per index table of
 * fhir/storage/migrations/0001_fhir_storage.sql. `param` is the search parameter code as it applies
 * to the resource's type; storage maps it to search_param.id. For a composite parameter, each
 * component is written under `${code}$${componentIndex}` with the same non-zero `grp` per matched
 * element, so the components of one repetition can be matched together.
 */
export interface StringRow {
  param: string;
  grp: number;
  value: string;
  /** normalizeString(value) */
  norm: string;
}

export interface TokenRow {
  param: string;
  grp: number;
  system: string | null;
  code: string | null;
  /** normalizeString of the display/text, for :text; null when none */
  textNorm: string | null;
}

export interface DateRow {
  param: string;
  grp: number;
  /** ISO instant, inclusive lower bound of the range the value covers */
  lo: string;
  /** ISO instant, exclusive upper bound */
  hi: string;
}

export interface ReferenceRow {
  param: string;
  grp: number;
  /** Set for a reference to a resource on this server (relative `Type/id`, or this server's absolute URL). */
  targetType: string | null;
  targetId: string | null;
  /** The reference as written (absolute URL, canonical URL without `|version`, or relative). */
  url: string | null;
  canonicalVersion: string | null;
}

export interface NumberRow {
  param: string;
  grp: number;
  value: string;
  /** Decimal strings: the range implied by the value's precision. */
  lo: string;
  hi: string;
}

export interface QuantityRow extends NumberRow {
  system: string | null;
  code: string | null;
  unit: string | null;
}

export interface UriRow {
  param: string;
  grp: number;
  value: string;
}

export interface IndexRows {
  string: StringRow[];
  token: TokenRow[];
  date: DateRow[];
  reference: ReferenceRow[];
  number: NumberRow[];
  quantity: QuantityRow[];
  uri: UriRow[];
}

export function emptyIndexRows(): IndexRows {
  return { string: [], token: [], date: [], reference: [], number: [], quantity: [], uri: [] };
}
