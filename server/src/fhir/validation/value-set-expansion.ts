import { findCanonical, stripVersion } from './package-canonicals.js';

/** The codes a value set allows, in total and by code system. */
export interface Expansion {
  codes: ReadonlySet<string>;
  bySystem: ReadonlyMap<string, ReadonlySet<string>>;
}

interface Concept {
  code: string;
  concept?: Concept[];
}
interface CodeSystemResource {
  url?: string;
  content?: string;
  concept?: Concept[];
}
interface ComposeSet {
  system?: string;
  concept?: { code: string }[];
  filter?: unknown[];
  valueSet?: string[];
}
interface ValueSetResource {
  url?: string;
  id?: string;
  compose?: { include?: ComposeSet[]; exclude?: ComposeSet[] };
}

/** Null: the value set or code system is not in the package, or needs a filter we do not evaluate. */
const expansions = new Map<string, Expansion | null>();
const codeSystems = new Map<string, ReadonlySet<string> | null>();

function collect(concepts: readonly Concept[] | undefined, into: Set<string>): void {
  if (!concepts) return;
  for (const c of concepts) {
    into.add(c.code);
    collect(c.concept, into);
  }
}

function codeSystemCodes(system: string, idHint: string | undefined): ReadonlySet<string> | null {
  const cached = codeSystems.get(system);
  if (cached !== undefined) return cached;
  const cs = findCanonical<CodeSystemResource>('CodeSystem', system, idHint ? [idHint] : []);
  let codes: Set<string> | null = null;
  if (cs && cs.content === 'complete') {
    codes = new Set();
    collect(cs.concept, codes);
  }
  codeSystems.set(system, codes);
  return codes;
}

class Builder {
  readonly bySystem = new Map<string, Set<string>>();

  add(system: string, codes: Iterable<string>): void {
    let set = this.bySystem.get(system);
    if (!set) this.bySystem.set(system, (set = new Set()));
    for (const c of codes) set.add(c);
  }

  remove(system: string, codes: Iterable<string>): void {
    const set = this.bySystem.get(system);
    if (set) for (const c of codes) set.delete(c);
  }

  build(): Expansion {
    const codes = new Set<string>();
    for (const set of this.bySystem.values()) for (const c of set) codes.add(c);
    return { codes, bySystem: this.bySystem };
  }
}

/** Adds one compose.include to the builder; false when it cannot be expanded from the package. */
function include(part: ComposeSet, vsId: string | undefined, into: Builder, stack: Set<string>): boolean {
  if (part.filter && part.filter.length > 0) return false;
  if (part.valueSet && part.valueSet.length > 0) {
    // include = system ∩ imported sets; only the plain union of imports is supported.
    if (part.system) return false;
    for (const url of part.valueSet) {
      const imported = expand(url, stack);
      if (!imported) return false;
      for (const [system, codes] of imported.bySystem) into.add(system, codes);
    }
    return true;
  }
  if (!part.system) return false;
  if (part.concept) {
    into.add(
      part.system,
      part.concept.map((c) => c.code),
    );
    return true;
  }
  const all = codeSystemCodes(part.system, vsId);
  if (!all) return false;
  into.add(part.system, all);
  return true;
}

function compute(url: string, stack: Set<string>): Expansion | null {
  const vs = findCanonical<ValueSetResource>('ValueSet', url);
  const compose = vs?.compose;
  if (!compose?.include) return null;
  const builder = new Builder();
  for (const part of compose.include) if (!include(part, vs?.id, builder, stack)) return null;
  for (const part of compose.exclude ?? []) {
    if (!part.system || !part.concept || part.filter?.length || part.valueSet?.length) return null;
    builder.remove(
      part.system,
      part.concept.map((c) => c.code),
    );
  }
  return builder.build();
}

/**
 * The expansion of a value set from the R4 package, computed on first use and cached; undefined when it
 * cannot be expanded locally (filters, external code systems such as SNOMED CT, UCUM or BCP-47).
 */
export function expand(canonical: string, stack: Set<string> = new Set()): Expansion | undefined {
  const url = stripVersion(canonical);
  let result = expansions.get(url);
  if (result === undefined) {
    if (stack.has(url)) return undefined;
    stack.add(url);
    result = compute(url, stack);
    stack.delete(url);
    expansions.set(url, result);
  }
  return result ?? undefined;
}
