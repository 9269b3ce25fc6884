import { type Definitions, splitUnion } from '../definitions/index.js';
import type { IndexRows } from './index-rows.js';
import { STRING_PARTS } from './indexer/string-values.js';

/**
 * String search parameters whose values are, by their expressions, always values of another one
 * too: `family` and `given` of `name` (`Patient.name.family` is a part of `Patient.name`),
 * `address-city` of `address`, `name` of `phonetic` (the same expression). A resource's index rows
 * for a parameter leave out the values one of its covered parameters already holds, and a search
 * on it reads its own rows and theirs (docs/decisions/0011-shared-string-index-rows.md).
 */
export interface CoveredParams {
  /** The codes whose rows also count as rows of `code` on `resourceType`; empty for most. */
  of(resourceType: string, code: string): readonly string[];
}

const SIMPLE_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
const NONE: readonly string[] = [];

/** True when `part` (one union branch) only yields values that branch `whole` yields too. */
function branchWithin(defs: Definitions, resourceType: string, part: string, whole: string): boolean {
  if (part === whole) return true;
  if (!SIMPLE_PATH.test(part) || !SIMPLE_PATH.test(whole) || !part.startsWith(`${whole}.`)) return false;
  const child = part.slice(whole.length + 1);
  if (child.includes('.')) return false;
  const types = defs.types.get(resourceType)?.elements.get(whole)?.types ?? [];
  if (types.length !== 1) return false;
  const code = types[0]?.code;
  return (code === 'HumanName' || code === 'Address') && STRING_PARTS[code].includes(child);
}

function within(defs: Definitions, resourceType: string, part: string, whole: string): boolean {
  const wholes = splitUnion(whole).map((b) => b.trim());
  return splitUnion(part)
    .map((b) => b.trim())
    .every((b) => wholes.some((w) => branchWithin(defs, resourceType, b, w)));
}

function computeFor(defs: Definitions, resourceType: string): Map<string, readonly string[]> {
  const strings = [...(defs.searchParams.get(resourceType)?.values() ?? [])].filter(
    (p) => p.type === 'string' && p.expression !== undefined,
  );
  // Q is covered by P when Q's values are within P's; of two with the same values, the one with the
  // smaller code keeps the rows, so that no value is left out of both.
  const covered = new Map<string, Set<string>>();
  for (const p of strings) {
    for (const q of strings) {
      if (q === p || !within(defs, resourceType, q.expression ?? '', p.expression ?? '')) continue;
      const same = within(defs, resourceType, p.expression ?? '', q.expression ?? '');
      if (same && q.code > p.code) continue;
      let set = covered.get(p.code);
      if (!set) covered.set(p.code, (set = new Set()));
      set.add(q.code);
    }
  }
  // A covered parameter's own covered ones count too (their rows may hold the value instead).
  for (let changed = true; changed;) {
    changed = false;
    for (const set of covered.values()) {
      for (const q of [...set]) {
        for (const r of covered.get(q) ?? []) {
          if (!set.has(r)) {
            set.add(r);
            changed = true;
          }
        }
      }
    }
  }
  return new Map([...covered].map(([code, set]) => [code, [...set].sort()]));
}

/**
 * `rows` (one resource's string rows) without those a covered parameter's row already holds: same
 * value, both outside composites. What is left out is still found by searches on the parameter.
 */
export function leaveOutCovered(
  rows: IndexRows['string'],
  resourceType: string,
  covered: CoveredParams,
): IndexRows['string'] {
  // Most types have no covering parameters: nothing to look up for them.
  if (!rows.some((r) => covered.of(resourceType, r.param).length > 0)) return rows;
  const values = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.grp !== 0) continue;
    let set = values.get(r.param);
    if (!set) values.set(r.param, (set = new Set()));
    set.add(r.value);
  }
  return rows.filter(
    (r) => r.grp !== 0 || !covered.of(resourceType, r.param).some((q) => values.get(q)?.has(r.value)),
  );
}

const cache = new WeakMap<Definitions, Map<string, Map<string, readonly string[]>>>();

export function coveredParams(defs: Definitions): CoveredParams {
  let perType = cache.get(defs);
  if (!perType) cache.set(defs, (perType = new Map()));
  const types = perType;
  return {
    of(resourceType, code) {
      let m = types.get(resourceType);
      if (!m) types.set(resourceType, (m = computeFor(defs, resourceType)));
      return m.get(code) ?? NONE;
    },
  };
}
