import type { Definitions, SearchParamDef, SearchParamType } from '../../definitions/index.js';
import type { CompiledPath, ElementContext, SearchPathCompiler } from '../fhirpath/index.js';
import type { Converter, ConverterTable } from './converter.js';

/** Parameters that never get index rows: stored as resource columns, or not expressible as rows. */
const SKIPPED_CODES = new Set(['_id', '_lastUpdated']);

export interface ComponentPlan {
  readonly param: string;
  readonly path: CompiledPath;
  readonly type: SearchParamType;
}

export interface ParamPlan {
  readonly code: string;
  readonly type: SearchParamType;
  readonly path: CompiledPath;
  /** For a composite: its components, in definition order (`${code}$${index}`). */
  readonly components: readonly ComponentPlan[];
}

export type IndexedType = Exclude<SearchParamType, 'composite' | 'special'>;

/** The natural search type of a value type, for components whose declared definition does not fit (below). */
function naturalType(fhirType: string, defs: Definitions): IndexedType | undefined {
  if (fhirType === 'Reference' || fhirType === 'canonical') return 'reference';
  if (
    defs.isA(fhirType, 'string') ||
    ['Coding', 'CodeableConcept', 'Identifier', 'boolean'].includes(fhirType)
  ) {
    return 'token';
  }
  return undefined;
}

/** Compiles every indexed search parameter of one resource type. */
export function planResourceType(
  defs: Definitions,
  compiler: SearchPathCompiler,
  resourceType: string,
  canConvert: (type: IndexedType, fhirType: string) => boolean,
): ParamPlan[] {
  const plans: ParamPlan[] = [];
  for (const p of defs.searchParams.get(resourceType)?.values() ?? []) {
    if (!p.expression || p.type === 'special' || SKIPPED_CODES.has(p.code)) continue;
    const path = compiler.compile(p.expression, resourceType);
    const components =
      p.type === 'composite' ? planComponents(defs, compiler, p, path.outputs, canConvert) : [];
    plans.push({ code: p.code, type: p.type, path, components });
  }
  return plans;
}

function planComponents(
  defs: Definitions,
  compiler: SearchPathCompiler,
  p: SearchParamDef,
  inputs: readonly ElementContext[],
  canConvert: (type: IndexedType, fhirType: string) => boolean,
): ComponentPlan[] {
  return p.component.map((c, i) => {
    const path = compiler.compileRelative(c.expression, inputs, p.resourceType);
    let type = defs.searchParamByUrl(c.definition)?.type ?? 'token';
    // R4 errata: DocumentReference `relationship` points its `code` component at the reference
    // parameter and its `target` component at the token one. When the declared type can index none
    // of what the expression yields, index the values by their natural type instead.
    const outTypes = path.outputs.map((o) => o.type);
    if (
      type !== 'composite' &&
      type !== 'special' &&
      outTypes.length > 0 &&
      !outTypes.some((t) => canConvert(type as IndexedType, t))
    ) {
      type = naturalType(outTypes[0] ?? '', defs) ?? type;
    }
    return { param: `${p.code}$${i}`, path, type };
  });
}

/** Finds the converter for a FHIR type, walking up its base types (`Age` → `Quantity`, `code` → `string`). */
export function converterLookup(
  defs: Definitions,
  table: ConverterTable,
): (fhirType: string) => Converter | undefined {
  const cache = new Map<string, Converter | undefined>();
  return (fhirType) => {
    if (cache.has(fhirType)) return cache.get(fhirType);
    let found: Converter | undefined;
    for (let t: string | undefined = fhirType; t && !found; t = defs.type(t)?.base) found = table[t];
    cache.set(fhirType, found);
    return found;
  };
}
