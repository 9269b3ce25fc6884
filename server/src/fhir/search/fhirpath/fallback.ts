import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';
import type { Evaluator } from './compiler.js';
import type { ContextTable } from './contexts.js';
import type { ElementContext, FhirNode } from './node.js';

const OPTIONS = { resolveInternalTypes: false } as const;
const SYSTEM_TO_FHIR: Record<string, string> = {
  String: 'string',
  Boolean: 'boolean',
  Integer: 'integer',
  Decimal: 'decimal',
  Date: 'date',
  DateTime: 'dateTime',
  Time: 'time',
  Quantity: 'Quantity',
};

type FhirPathFn = (resource: unknown, vars?: Record<string, unknown>) => unknown[];

/**
 * Evaluates an expression the compiler does not support with HL7's fhirpath.js (R4 model), compiled
 * once per base path, and types the results from fhirpath.js's own type information.
 */
export function fallbackEvaluator(expression: string, table: ContextTable, relative: boolean): Evaluator {
  const compiled = new Map<string, FhirPathFn>();
  const compileFor = (base: string | undefined): FhirPathFn => {
    const key = base ?? '';
    let fn = compiled.get(key);
    if (!fn) {
      const path = base === undefined ? expression : { base, expression };
      fn = fhirpath.compile(path, r4, OPTIONS) as unknown as FhirPathFn;
      compiled.set(key, fn);
    }
    return fn;
  };
  if (!relative) compileFor(undefined);
  return (focus, env) => {
    const out: FhirNode[] = [];
    for (const n of focus) {
      const fn = compileFor(relative ? n.ctx.path : undefined);
      const raw = fn(n.value, { resource: env.root.value, rootResource: env.root.value });
      const types = fhirpath.types(raw);
      const values = fhirpath.resolveInternalTypes(raw) as unknown[];
      raw.forEach((item, i) => {
        const value = values[i];
        if (value === null || value === undefined) return;
        out.push({ value, ctx: contextOf(table, types[i] ?? '', item) });
      });
    }
    return out;
  };
}

function contextOf(table: ContextTable, typeString: string, item: unknown): ElementContext {
  const [ns, name = ''] = typeString.split('.', 2) as [string, string?];
  if (ns === 'System') return table.ofType(SYSTEM_TO_FHIR[name] ?? name);
  if (name === 'BackboneElement' || name === 'Element') {
    const path = (item as { path?: unknown }).path;
    if (typeof path === 'string' && path.includes('.'))
      return table.inline(name, path.slice(0, path.indexOf('.')), path);
  }
  return table.ofType(name);
}
