import { readPackageJson } from './package-files.js';
import type { SearchParamDef, SearchParamType } from './types.js';

interface RawSearchParameter {
  url: string;
  code: string;
  base: string[];
  type: SearchParamType;
  expression?: string;
  target?: string[];
  modifier?: string[];
  comparator?: string[];
  multipleOr?: boolean;
  multipleAnd?: boolean;
  chain?: string[];
  component?: { definition: string; expression: string }[];
  description?: string;
}

/** Splits a FHIRPath expression on its top-level `|` operators. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === "'") quote = false;
    } else if (c === "'") quote = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

function rootIdentifier(part: string): string {
  const m = /^\(*\s*([A-Za-z][A-Za-z0-9]*)/.exec(part);
  return m?.[1] ?? '';
}

/**
 * Keeps the union parts of `expression` that apply to `resourceType`, rewriting a `Resource.` or
 * `DomainResource.` root to the concrete type. Undefined when nothing applies.
 */
export function expressionFor(expression: string | undefined, resourceType: string): string | undefined {
  if (!expression) return undefined;
  const kept: string[] = [];
  for (const part of splitUnion(expression)) {
    const root = rootIdentifier(part);
    if (root === resourceType) kept.push(part);
    else if (root === 'Resource' || root === 'DomainResource') {
      kept.push(part.replace(new RegExp(`^(\\(*\\s*)${root}\\b`), `$1${resourceType}`));
    }
  }
  return kept.length ? kept.join(' | ') : undefined;
}

/** The search parameters of R4, per concrete resource type, from Bundle-searchParams.json. */
export function loadSearchParams(
  resourceTypes: string[],
  domainResourceTypes: Set<string>,
): Map<string, Map<string, SearchParamDef>> {
  const bundle = readPackageJson<{ entry: { resource: RawSearchParameter }[] }>('Bundle-searchParams.json');
  const byType = new Map<string, Map<string, SearchParamDef>>(resourceTypes.map((t) => [t, new Map()]));
  for (const { resource: sp } of bundle.entry) {
    const targets = new Set<string>();
    for (const base of sp.base) {
      if (base === 'Resource') resourceTypes.forEach((t) => targets.add(t));
      else if (base === 'DomainResource') domainResourceTypes.forEach((t) => targets.add(t));
      else if (byType.has(base)) targets.add(base);
    }
    for (const type of targets) {
      byType.get(type)?.set(sp.code, {
        url: sp.url,
        code: sp.code,
        resourceType: type,
        type: sp.type,
        expression: expressionFor(sp.expression, type),
        fullExpression: sp.expression,
        target: sp.target ?? [],
        modifiers: sp.modifier ?? [],
        comparators: sp.comparator ?? [],
        multipleOr: sp.multipleOr !== false,
        multipleAnd: sp.multipleAnd !== false,
        chain: sp.chain ?? [],
        component: sp.component ?? [],
        description: sp.description ?? '',
      });
    }
  }
  return byType;
}
