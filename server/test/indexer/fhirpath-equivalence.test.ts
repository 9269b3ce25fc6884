import assert from 'node:assert/strict';
import { test } from 'node:test';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';
import {
  definitions,
  listPackageFiles,
  readPackageJson,
  splitUnion,
} from '../../src/fhir/definitions/index.js';
import { createSearchPathCompiler, type FhirNode } from '../../src/fhir/search/fhirpath/index.js';

/**
 * Proof that the compiled evaluator agrees with HL7's fhirpath.js on every R4 search expression
 * (and every composite component) over every official R4 example, in values, order and types.
 */

const defs = definitions();
const compiler = createSearchPathCompiler(defs);
type Raw = unknown[];
type FhirPathFn = (resource: unknown, vars?: Record<string, unknown>) => Raw;

/**
 * fhirpath.js cannot resolve without fetching, so `resolve() is X` becomes the string test our
 * documented semantics stand for: `Type/id` at the end of a relative or absolute reference, or a
 * `#id` naming a contained resource of that type.
 */
function referenceEquivalent(expression: string): string {
  return expression
    .replace(
      /resolve\(\) is ([A-Za-z]+)/g,
      (_m, t: string) =>
        `(reference.matches('^(.*/)?${t}/[A-Za-z0-9\\\\-.]{1,64}(/_history/[A-Za-z0-9\\\\-.]{1,64})?$') or ` +
        `(reference in %resource.contained.ofType(${t}).select('#' + id)))`,
    )
    .replace(/\bDateTime\b/g, 'dateTime'); // documented mapping of R4's `as(DateTime)`
}

/** fhirpath.js insists on a single item left of `as`; the per-item meaning is `ofType`. */
function perItemAs(expression: string): string {
  return expression.replace(/\(([^()]+) as ([A-Za-z]+)\)/g, '($1.ofType($2))').replace(/\.as\(/g, '.ofType(');
}

const cache = new Map<string, FhirPathFn>();
function fp(expression: string, base?: string): FhirPathFn {
  const key = `${base ?? ''}::${expression}`;
  let fn = cache.get(key);
  if (!fn) {
    const path = base ? { base, expression } : expression;
    fn = fhirpath.compile(path, r4, { resolveInternalTypes: false }) as unknown as FhirPathFn;
    cache.set(key, fn);
  }
  return fn;
}

let unionWorkarounds = 0;

function reference(expression: string, input: unknown, root: unknown, base?: string): Raw {
  const vars = { resource: root, rootResource: root };
  const expr = referenceEquivalent(expression);
  try {
    return fp(expr, base)(input, vars);
  } catch (err) {
    if (/Expected singleton on left side of 'as'/.test(String(err)))
      return reference(perItemAs(expression), input, root, base);
    // fhirpath.js cannot compare a Quantity carrying a comparator when `|` de-duplicates; union the
    // parts here with the same distinct-by-value rule.
    const parts = splitUnion(expression);
    if (parts.length < 2 || !/Cannot convert a FHIR.Quantity/.test(String(err))) throw err;
    unionWorkarounds++;
    const seen = new Set<string>();
    return parts
      .flatMap((part) => reference(part, input, root, base))
      .filter((n) => {
        const key = JSON.stringify(fhirpath.resolveInternalTypes([n]));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
}

interface Item {
  value: string;
  type: string;
}

const SYSTEM: Record<string, string> = {
  Boolean: 'boolean',
  String: 'string',
  Integer: 'integer',
  Decimal: 'decimal',
};

function fromFhirpath(raw: Raw): Item[] {
  const values = fhirpath.resolveInternalTypes(raw) as unknown[];
  const types = fhirpath.types(raw);
  const out: Item[] = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined) return; // primitives with only an extension: not search values
    const [ns, name = ''] = (types[i] ?? '').split('.', 2) as [string, string?];
    out.push({ value: JSON.stringify(v), type: ns === 'System' ? (SYSTEM[name] ?? name) : name });
  });
  return out;
}

function fromCompiled(nodes: readonly FhirNode[]): Item[] {
  return nodes.map((n) => ({ value: JSON.stringify(n.value), type: n.ctx.type }));
}

/**
 * fhirpath.js's `|` de-duplicates with decimal equivalence (1e-245 equals 1e-22 once rounded), where
 * the compiled union keeps values that differ; this is the compiled result as fhirpath.js would collapse it.
 */
function approximateDistinct(items: Item[]): Item[] {
  const round = (_k: string, v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1e8) / 1e8 : v);
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(JSON.parse(item.value), round);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const exampleFiles = listPackageFiles('').filter((f) => f !== 'package.json' && f !== 'ig-r4.json');

test('compiled search expressions agree with fhirpath.js on every official R4 example', () => {
  let compared = 0;
  let nonEmpty = 0;
  let components = 0;
  let approximateUnions = 0;
  const mismatches: string[] = [];
  const check = (where: string, mine: Item[], theirs: Item[]): void => {
    compared++;
    if (mine.length) nonEmpty++;
    const a = JSON.stringify(mine);
    const b = JSON.stringify(theirs);
    if (a !== b && JSON.stringify(approximateDistinct(mine)) === b) {
      approximateUnions++;
      return;
    }
    if (a !== b && mismatches.length < 20) {
      mismatches.push(`${where}\n  compiled:    ${a.slice(0, 400)}\n  fhirpath.js: ${b.slice(0, 400)}`);
    }
  };

  for (const file of exampleFiles) {
    const resource = readPackageJson<Record<string, unknown>>(file);
    const type = resource.resourceType;
    if (typeof type !== 'string' || !defs.isResourceType(type)) continue;
    const root = compiler.rootNode(resource);
    for (const p of defs.searchParams.get(type)?.values() ?? []) {
      if (!p.expression || p.type === 'special') continue;
      const compiled = compiler.compile(p.expression, type);
      assert.ok(compiled.fast, `${type}.${p.code} fell back: ${compiled.fallbackReason ?? ''}`);
      const mine = compiled.evaluate([root], root);
      const theirsRaw = reference(p.expression, resource, resource);
      check(`${file} ${p.code}: ${p.expression}`, fromCompiled(mine), fromFhirpath(theirsRaw));

      // Components are evaluated on each element the composite matched, in the same order on both sides.
      p.component.forEach((c, i) => {
        const sub = compiler.compileRelative(c.expression, compiled.outputs, type);
        assert.ok(sub.fast, `${type}.${p.code} component ${i} fell back`);
        mine.forEach((node, j) => {
          components++;
          const theirs = reference(c.expression, node.value, resource, node.ctx.path);
          check(
            `${file} ${p.code}$${i}[${j}]: ${c.expression}`,
            fromCompiled(sub.evaluate([node], root)),
            fromFhirpath(theirs),
          );
        });
      });
    }
  }
  console.log(
    `compared ${compared} evaluations (${nonEmpty} non-empty, ${components} composite components) over ${exampleFiles.length} files; ` +
      `${unionWorkarounds} unions evaluated part by part, ${approximateUnions} differ only by fhirpath.js's approximate decimal de-duplication`,
  );
  assert.deepEqual(mismatches, []);
  assert.ok(nonEmpty > 10_000);
});

test('every R4 search expression and composite component compiles to the fast path', () => {
  let expressions = 0;
  for (const [type, params] of defs.searchParams) {
    for (const p of params.values()) {
      if (!p.expression || p.type === 'special') continue;
      const compiled = compiler.compile(p.expression, type);
      assert.ok(compiled.fast, `${type}.${p.code}: ${compiled.fallbackReason ?? ''}`);
      for (const c of p.component)
        assert.ok(compiler.compileRelative(c.expression, compiled.outputs, type).fast);
      expressions++;
    }
  }
  assert.ok(expressions > 2500);
});

test('no search expression descends into contained resources or Bundle entries beyond entry[0].resource', () => {
  for (const [type, params] of defs.searchParams) {
    for (const p of params.values()) {
      if (!p.expression || p.type === 'special') continue;
      for (const out of compiler.compile(p.expression, type).outputs) {
        assert.ok(!out.path.includes('.contained'), `${type}.${p.code} reaches ${out.path}`);
        if (out.type === 'Resource')
          assert.equal(p.expression, 'Bundle.entry[0].resource', `${type}.${p.code}`);
      }
    }
  }
  const patient = {
    resourceType: 'Patient',
    name: [{ family: 'Outer' }],
    contained: [{ resourceType: 'Patient', id: 'p', name: [{ family: 'Inner' }] }],
  };
  const compiled = compiler.compile('Patient.name.family', 'Patient');
  const root = compiler.rootNode(patient);
  assert.deepEqual(
    compiled.evaluate([root], root).map((n) => n.value),
    ['Outer'],
  );
});

test('fallback to fhirpath.js for expressions outside the subset keeps working and is typed', () => {
  const compiled = compiler.compile("Patient.name.given.select($this + '!')", 'Patient');
  assert.equal(compiled.fast, false);
  const root = compiler.rootNode({ resourceType: 'Patient', name: [{ given: ['A', 'B'] }] });
  const out = compiled.evaluate([root], root);
  assert.deepEqual(
    out.map((n) => [n.value, n.ctx.type]),
    [
      ['A!', 'string'],
      ['B!', 'string'],
    ],
  );
});

test('resolve() is T is decided from the reference string, contained ids, and nothing else', () => {
  const compiled = compiler.compile('Observation.subject.where(resolve() is Patient)', 'Observation');
  const run = (reference: string): unknown[] => {
    const obs = {
      resourceType: 'Observation',
      subject: { reference },
      contained: [
        { resourceType: 'Patient', id: 'p1' },
        { resourceType: 'Group', id: 'g1' },
      ],
    };
    const root = compiler.rootNode(obs);
    return compiled.evaluate([root], root).map((n) => (n.value as { reference: string }).reference);
  };
  assert.deepEqual(run('Patient/1'), ['Patient/1']);
  assert.deepEqual(run('Patient/1/_history/3'), ['Patient/1/_history/3']);
  assert.deepEqual(run('https://other.example/fhir/Patient/1'), ['https://other.example/fhir/Patient/1']);
  assert.deepEqual(run('#p1'), ['#p1']);
  assert.deepEqual(run('Group/1'), []);
  assert.deepEqual(run('#g1'), []);
  assert.deepEqual(run('#missing'), []);
  assert.deepEqual(run('urn:uuid:5d1d9d4e-6c5d-4b8e-9c2a-0d4d3f1e2a10'), []);
  assert.throws(() => compiler.compile('Observation.subject.resolve()', 'Observation'), /resolve\(\)/);
});
