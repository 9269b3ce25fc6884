import type { Definitions } from '../../definitions/index.js';
import { coveredParams, leaveOutCovered } from '../covered-params.js';
import { createSearchPathCompiler, type FhirNode } from '../fhirpath/index.js';
import type { IndexRows } from '../index-rows.js';
import type { Converter, ConverterTable } from './converter.js';
import { dateConverters } from './date-values.js';
import { numberConverters, quantityConverters } from './number-values.js';
import { converterLookup, planResourceType, type IndexedType, type ParamPlan } from './plan.js';
import { createReferenceParser } from './reference.js';
import { referenceConverters } from './reference-values.js';
import { RowSink } from './row-sink.js';
import { stringConverters } from './string-values.js';
import { tokenConverters } from './token-values.js';
import { uriConverters } from './uri-values.js';

export interface IndexerOptions {
  /** This server's FHIR base, e.g. http://localhost:8080/fhir/R4: absolute references under it are local. */
  baseUrl: string;
}

export interface Indexer {
  /** The search index rows of a resource (top-level only: contained resources are not indexed). */
  extract(resource: Record<string, unknown>): IndexRows;
  /** The reference rows of just the parameters `codes` (the access policy's compartment check). */
  references(resource: Record<string, unknown>, codes: ReadonlySet<string>): IndexRows['reference'];
  /** The compiled parameters of a resource type (for diagnostics and tests). */
  plan(resourceType: string): readonly ParamPlan[];
  /** The converter for a value of `fhirType` under a parameter of `type`, if any. */
  converter(type: IndexedType, fhirType: string): Converter | undefined;
}

export type { IndexedType, ParamPlan } from './plan.js';
export { NOT_INDEXED } from './not-indexed.js';

/** Builds the write-time indexer: search parameters compiled once per resource type, on first use. */
export function createIndexer(defs: Definitions, options: IndexerOptions): Indexer {
  const compiler = createSearchPathCompiler(defs);
  const covered = coveredParams(defs);
  const parser = createReferenceParser(options.baseUrl, (t) => defs.isResourceType(t));
  const tables: Record<IndexedType, ConverterTable> = {
    string: stringConverters,
    token: tokenConverters,
    date: dateConverters,
    number: numberConverters,
    quantity: quantityConverters,
    reference: referenceConverters(parser),
    uri: uriConverters,
  };
  const lookups = Object.fromEntries(
    Object.entries(tables).map(([k, t]) => [k, converterLookup(defs, t)]),
  ) as Record<IndexedType, (fhirType: string) => Converter | undefined>;
  const converter = (type: IndexedType, fhirType: string): Converter | undefined => lookups[type](fhirType);

  const plans = new Map<string, ParamPlan[]>();
  const plan = (resourceType: string): ParamPlan[] => {
    let p = plans.get(resourceType);
    if (!p) {
      p = planResourceType(defs, compiler, resourceType, (t, f) => converter(t, f) !== undefined);
      plans.set(resourceType, p);
    }
    return p;
  };

  const emit = (
    nodes: readonly FhirNode[],
    type: IndexedType,
    param: string,
    grp: number,
    sink: RowSink,
  ): void => {
    const lookup = lookups[type];
    for (const n of nodes) lookup(n.ctx.type)?.(n.value, param, grp, sink);
  };

  return {
    plan,
    converter,
    references(resource, codes) {
      const resourceType = resource.resourceType;
      if (typeof resourceType !== 'string' || !defs.isResourceType(resourceType)) return [];
      const root = compiler.rootNode(resource);
      const sink = new RowSink();
      for (const p of plan(resourceType))
        if (p.type === 'reference' && codes.has(p.code))
          emit(p.path.evaluate([root], root), 'reference', p.code, 0, sink);
      return sink.rows.reference;
    },
    extract(resource) {
      const resourceType = resource.resourceType;
      if (typeof resourceType !== 'string' || !defs.isResourceType(resourceType)) {
        throw new Error(`cannot index a resource of type ${String(resourceType)}`);
      }
      const root = compiler.rootNode(resource);
      const focus = [root];
      const sink = new RowSink();
      let grp = 0;
      for (const p of plan(resourceType)) {
        const nodes = p.path.evaluate(focus, root);
        if (p.type !== 'composite') {
          emit(nodes, p.type as IndexedType, p.code, 0, sink);
          continue;
        }
        // A repetition can only match a composite search when every component has a value.
        for (const node of nodes) {
          const values = p.components.map((c) => c.path.evaluate([node], root));
          if (values.some((v) => v.length === 0)) continue;
          grp++;
          p.components.forEach((c, i) => {
            if (c.type !== 'composite' && c.type !== 'special')
              emit(values[i] ?? [], c.type, c.param, grp, sink);
          });
        }
      }
      const rows = sink.rows;
      rows.string = leaveOutCovered(rows.string, resourceType, covered);
      return rows;
    },
  };
}
