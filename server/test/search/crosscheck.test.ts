import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { R4_PACKAGE_DIR, definitions } from '../../src/fhir/definitions/index.js';
import { createIndexer } from '../../src/fhir/search/indexer/index.js';
import { BASE, type Fixture, createFixture } from './support/setup.js';
import { type Resource, TestStore } from './support/store.js';
import * as m from './support/crosscheck-match.js';

/**
 * Independent cross-check over the official R4 examples: the indexer + engine answer is compared
 * with matches computed here by evaluating each parameter's FHIRPath with HL7's `fhirpath` package
 * and applying the R4 match rule in plain code (support/crosscheck-match.ts).
 */
const SAMPLE: Record<string, string[]> = {
  Patient: [
    'family',
    'given',
    'name',
    'phonetic',
    'address',
    'address-city',
    'address-postalcode',
    'gender',
    'birthdate',
    'identifier',
    'active',
    'general-practitioner',
    'organization',
    'telecom',
    'email',
    'phone',
  ],
  Observation: [
    'code',
    'category',
    'status',
    'subject',
    'patient',
    'date',
    'value-quantity',
    'code-value-quantity',
    'component-code',
    'performer',
    'value-concept',
    'component-code-value-quantity',
    'combo-code',
  ],
  Encounter: ['status', 'class', 'subject', 'date', 'type'],
  Condition: ['code', 'clinical-status', 'subject', 'onset-date', 'category'],
  MedicationRequest: ['status', 'intent', 'subject', 'authoredon', 'code'],
  Practitioner: ['family', 'name', 'phonetic', 'identifier'],
  Organization: ['name', 'phonetic', 'address', 'type', 'partof'],
  RiskAssessment: ['probability', 'subject'],
  Library: ['url', 'name', 'status', 'version'],
  PlanDefinition: ['url', 'title'],
  Immunization: ['vaccine-code', 'date', 'patient', 'lot-number'],
  Procedure: ['code', 'subject', 'date'],
  DiagnosticReport: ['code', 'issued', 'result'],
  AllergyIntolerance: ['code', 'patient', 'criticality'],
  MolecularSequence: ['variant-start', 'chromosome'],
  Location: ['name', 'address', 'address-city'],
};

let f: Fixture;
const examples = new Map<string, Resource[]>();

before(async () => {
  f = await createFixture();
  const defs = definitions();
  const indexer = createIndexer(defs, { baseUrl: BASE });
  const store = new TestStore(f.t.db, f.registry, (r) => indexer.extract(r));
  for (const file of fs.readdirSync(R4_PACKAGE_DIR).sort()) {
    const type = file.split('-')[0] ?? '';
    if (!SAMPLE[type] || !file.endsWith('.json')) continue;
    const r = JSON.parse(fs.readFileSync(path.join(R4_PACKAGE_DIR, file), 'utf8')) as Resource;
    if (r.resourceType !== type || typeof r.id !== 'string') continue;
    await store.put(f.t.tenantA, r);
    examples.set(type, [...(examples.get(type) ?? []), r]);
  }
});
after(async () => f.t.close());

/** fhirpath 5.2 evaluates resolve() only asynchronously: test the reference string instead. */
function testable(expression: string): string {
  return expression.replace(/resolve\(\)\s+is\s+([A-Za-z]+)/g, "reference.startsWith('$1/')");
}

function evaluate(r: Resource, expression: string): unknown[] {
  return fhirpath.evaluate(r, testable(expression), {}, r4) as unknown[];
}

interface Probe {
  query: string;
  matches: (nodes: unknown[], r: Resource) => boolean;
}

/** A search value taken from the first example that has one, and the rule it must satisfy. */
function probe(type: string, code: string, resources: Resource[]): Probe | undefined {
  const def = definitions().searchParam(type, code);
  if (!def?.expression) return undefined;
  const expr = def.expression;
  for (const r of resources) {
    const nodes = evaluate(r, expr);
    for (const n of nodes) {
      switch (def.type) {
        case 'string': {
          const s = m.strings(n)[0];
          if (!s) continue;
          const v = s.slice(0, Math.max(3, Math.min(s.length, 4)));
          return { query: `${code}=${encodeURIComponent(v)}`, matches: (ns) => m.stringMatches(ns, v) };
        }
        case 'token': {
          const v = m.tokenValue(n);
          if (!v) continue;
          return { query: `${code}=${encodeURIComponent(v)}`, matches: (ns) => m.tokenMatches(ns, v) };
        }
        case 'reference': {
          const v = m.referenceOf(n);
          if (!v) continue;
          return {
            query: `${code}=${encodeURIComponent(v)}`,
            matches: (ns) => m.referenceMatches(ns, v, BASE),
          };
        }
        case 'date': {
          const range = m.dateRange(n);
          if (!range || !Number.isFinite(range[0])) continue;
          const day = new Date(range[0]).toISOString().slice(0, 10);
          const q = m.dateRange(day) ?? [0, 0];
          return { query: `${code}=ge${day}`, matches: (ns) => m.dateMatches(ns, 'ge', q) };
        }
        case 'number': {
          if (typeof n !== 'number') continue;
          const v = String(n);
          return {
            query: `${code}=${v}`,
            matches: (ns) =>
              m.numberMatches(
                ns.filter((x): x is number => typeof x === 'number'),
                v,
              ),
          };
        }
        case 'quantity': {
          const v = m.quantityValue(n);
          if (!v) continue;
          return { query: `${code}=${encodeURIComponent(v)}`, matches: (ns) => m.quantityMatches(ns, v) };
        }
        case 'uri': {
          if (typeof n !== 'string') continue;
          return { query: `${code}=${encodeURIComponent(n)}`, matches: (ns) => ns.some((x) => x === n) };
        }
        case 'composite': {
          const cp = compositeProbe(type, code, expr, r, nodes.length);
          if (cp) return cp;
          break;
        }
      }
    }
  }
  return undefined;
}

/** Composite: components evaluated per repetition (`(expr)[i].component`), matched together. */
function compositeProbe(
  type: string,
  code: string,
  expr: string,
  first: Resource,
  count: number,
): Probe | undefined {
  const defs = definitions();
  const def = defs.searchParam(type, code);
  const comps = (def?.component ?? []).map((c) => ({
    expr: c.expression,
    type: defs.searchParamByUrl(c.definition)?.type,
  }));
  if (comps.length !== 2 || comps[0]?.type !== 'token') return undefined;
  const part = (r: Resource, i: number, c: number) => evaluate(r, `(${expr})[${i}].${comps[c]?.expr ?? ''}`);
  const second = comps[1]?.type;
  for (let i = 0; i < count; i++) {
    const a = m.tokenValue(part(first, i, 0)[0]);
    const bNode = part(first, i, 1)[0];
    const b =
      second === 'quantity' ? m.quantityValue(bNode) : second === 'token' ? m.tokenValue(bNode) : undefined;
    if (!a || !b) continue;
    const matchB = (ns: unknown[]) =>
      second === 'quantity' ? m.quantityMatches(ns, b) : m.tokenMatches(ns, b);
    const esc = (s: string) => s.replace(/[,$]/g, (x) => `\\${x}`);
    return {
      query: `${code}=${encodeURIComponent(`${esc(a)}$${esc(b)}`)}`,
      matches: (_ns, r) => {
        const n = evaluate(r, expr).length;
        for (let j = 0; j < n; j++)
          if (m.tokenMatches(part(r, j, 0), a) && matchB(part(r, j, 1))) return true;
        return false;
      },
    };
  }
  return undefined;
}

it('engine answers agree with FHIRPath over the official examples', async () => {
  const problems: string[] = [];
  let checked = 0;
  const kinds = new Set<string>();
  for (const [type, codes] of Object.entries(SAMPLE)) {
    const resources = examples.get(type) ?? [];
    for (const code of codes) {
      const p = probe(type, code, resources);
      if (!p) {
        problems.push(`${type}.${code}: no example has a usable value`);
        continue;
      }
      const expr = definitions().searchParam(type, code)?.expression ?? '';
      const expected = resources
        .filter((r) => p.matches(evaluate(r, expr), r))
        .map((r) => r.id)
        .sort();
      const actual = (await f.ids(type, `${p.query}&_count=1000`)).sort();
      checked++;
      kinds.add(definitions().searchParam(type, code)?.type ?? '');
      if (expected.length === 0) problems.push(`${type}?${p.query}: expected no matches (probe is useless)`);
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        problems.push(
          `${type}?${decodeURIComponent(p.query)}: expected [${expected.join(', ')}] got [${actual.join(', ')}]`,
        );
      }
    }
  }
  assert.ok(checked >= 40, `only ${checked} parameters checked`);
  assert.deepEqual([...kinds].sort(), [
    'composite',
    'date',
    'number',
    'quantity',
    'reference',
    'string',
    'token',
    'uri',
  ]);
  assert.deepEqual(problems, []);
});
