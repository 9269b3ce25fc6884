import type { SearchParamDef } from '../../definitions/index.js';

/** One search as received: from the query string or a POST `_search` form body. */
export interface SearchRequest {
  /** Undefined for a system-level search (`GET [base]?…`), across every type or those in `_type`. */
  resourceType?: string;
  /** Raw name/value pairs, URL-decoded, in request order. */
  params: [string, string][];
  /** `Prefer: handling=strict`: unknown or unsupported parameters are an error instead of ignored. */
  strict: boolean;
  /** What the caller may see (auth/access); unrestricted when absent. */
  restriction?: SearchRestriction;
}

/** A resource in a result: type, id and JSON text. */
export interface ResultEntry {
  resourceType: string;
  id: string;
  content: string;
  /**
   * With a restriction's filter: the ids of the patients whose record the resource is, read from the
   * search index in the statement that read the content (so they describe that very version).
   */
  patients?: readonly string[];
}

export interface SearchRestriction {
  /** Patient ids bounding compartment types (and Patient) to their compartments; null: unbounded. */
  patients: readonly string[] | null;
  /**
   * The types the caller may search among those asked for (`explicit`: named by the request's type
   * or `_type`, so refusing one is an error the callback throws; otherwise quietly left out).
   */
  types?: (types: string[], explicit: boolean) => string[];
  /**
   * Every entry of a page, matches and includes alike, before it is sent: for each, the text to show
   * (maybe fewer elements) or null to leave it out.
   */
  filter?: (entries: readonly ResultEntry[]) => Promise<(string | null)[]>;
  /** The filter wants each entry's `patients` (read from the index with the rows). */
  filterWantsPatients?: boolean;
}

export interface SearchResult {
  /** The searchset Bundle as JSON text; stored resources are spliced in verbatim. */
  bundle: string;
  /** Names (never values) of the parameters that were ignored; also reported in the Bundle. */
  ignored: string[];
  /** The total reported in the Bundle, when one was computed. */
  total?: number;
}

/** A matched resource for conditional operations and reuse by other modules. */
export interface FoundResource {
  resourceType: string;
  id: string;
  /** resource.rid as a decimal string (bigint). */
  rid: string;
}

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

export interface StringValue {
  kind: 'string';
  text: string;
}
/** `system` undefined = any system; null = no system (`|code`). `code` undefined = any code (`system|`). */
export interface TokenValue {
  kind: 'token';
  system?: string | null;
  code?: string;
}
/** The instant range [lo, hi) the search value covers, as ISO strings with microseconds. */
export interface DateValue {
  kind: 'date';
  prefix: Prefix;
  lo: string;
  hi: string;
}
/** `delta` is half a unit of the value's last significant digit (precision-aware equality). */
export interface NumberValue {
  kind: 'number';
  prefix: Prefix;
  value: string;
  delta: string;
}
export interface QuantityValue {
  kind: 'quantity';
  prefix: Prefix;
  value: string;
  delta: string;
  /** undefined = any; the code then also matches the unit text. */
  system?: string;
  code?: string;
}
/** Local references set type/id; others match the written url (and canonical version). */
export interface ReferenceValue {
  kind: 'reference';
  type?: string;
  id?: string;
  url?: string;
  version?: string;
}
export interface UriValue {
  kind: 'uri';
  uri: string;
}
export interface CompositeValue {
  kind: 'composite';
  parts: LeafValue[];
}

export type LeafValue =
  StringValue | TokenValue | DateValue | NumberValue | QuantityValue | ReferenceValue | UriValue;
export type SearchValue = LeafValue | CompositeValue;

/** A search parameter resolved for the searched types; ids has one entry per type it applies to. */
export interface ParamRef {
  def: SearchParamDef;
  code: string;
  ids: number[];
  /** For a composite: per component, the ids of `${code}$${i}` (one per type). */
  componentIds?: number[][];
}

export type Condition =
  /** Any of `values` matches (comma = OR). */
  | { kind: 'param'; param: ParamRef; modifier: string | undefined; values: SearchValue[] }
  | { kind: 'missing'; param: ParamRef; missing: boolean }
  | { kind: 'id'; ids: string[]; not: boolean }
  | { kind: 'lastUpdated'; values: DateValue[] }
  /** Resources whose `ref` points at a target of one of `targets` matching that target's condition. */
  | { kind: 'chain'; ref: ParamRef; targets: { type: string; cond: Condition }[] }
  /** Resources referenced (through `refIds`) by some `sourceType` resource matching `cond`. */
  | { kind: 'has'; sourceType: string; refIds: number[]; cond: Condition }
  | CompartmentCondition;
/**
 * The access policy's bound: resources in the compartment of one of `patients` — through a reference
 * to the patient in one of `refIds` (the compartment parameters of the searched types), or, when
 * `patientType`, the Patient resource itself.
 */
export type CompartmentCondition = {
  kind: 'compartment';
  refIds: number[];
  patientType: boolean;
  patients: readonly string[];
};

export type SortValueType = 'text' | 'timestamptz' | 'numeric';

export interface SortKey {
  /** `_id`, `_lastUpdated` or a parameter code; for messages and the cursor check. */
  name: string;
  desc: boolean;
  valueType: SortValueType;
  /** For parameters: the index table, its column aggregate and the param ids. */
  param?: { table: string; column: string; ids: number[] };
  column?: 'id' | 'last_updated';
}

export interface IncludeSpec {
  rev: boolean;
  iterate: boolean;
  /** The resource type holding the reference. */
  sourceType: string;
  /** Reference parameter codes; `*` already expanded. */
  params: string[];
  targetType?: string;
}

export type TotalMode = 'none' | 'estimate' | 'accurate';
export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

export interface ParsedSearch {
  /** The types searched: one, or several for a system-level search. */
  types: string[];
  system: boolean;
  conditions: Condition[];
  sort: SortKey[];
  count: number;
  total: TotalMode | undefined;
  summary: SummaryMode | undefined;
  elements: string[] | undefined;
  includes: IncludeSpec[];
  cursor: string | undefined;
  ignored: string[];
  /** The request's pairs without `_cursor`: what links repeat and what the cursor is bound to. */
  linkParams: [string, string][];
}
