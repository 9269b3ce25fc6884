import type { Definitions } from '../../definitions/index.js';
import { parseFhirPath } from './ast.js';
import { PathCompiler, type Env } from './compiler.js';
import { ContextTable } from './contexts.js';
import { UnsupportedExpression } from './errors.js';
import { fallbackEvaluator } from './fallback.js';
import type { ElementContext, FhirNode } from './node.js';

export type { ElementContext, FhirNode } from './node.js';
export { referenceTargetType } from './reference-target.js';

/** A search expression ready to run. */
export interface CompiledPath {
  readonly expression: string;
  /** True when compiled to closures; false when fhirpath.js evaluates it. */
  readonly fast: boolean;
  /** Why the fast path was not taken, when it was not. */
  readonly fallbackReason?: string;
  /** The element contexts results can have; empty when fhirpath.js evaluates the expression. */
  readonly outputs: readonly ElementContext[];
  /** Evaluates on `focus` (the resource node itself for a top-level expression); `root` is `%resource`. */
  evaluate(focus: readonly FhirNode[], root: FhirNode): FhirNode[];
}

export interface SearchPathCompiler {
  /** The node for a resource, to pass as focus and root. */
  rootNode(resource: Record<string, unknown>): FhirNode;
  /** Compiles an expression rooted at `resourceType` (`Patient.name.given`). */
  compile(expression: string, resourceType: string): CompiledPath;
  /** Compiles an expression relative to elements (a composite's components), within `resourceType`. */
  compileRelative(expression: string, inputs: readonly ElementContext[], resourceType: string): CompiledPath;
}

/**
 * Compiles the FHIRPath of search parameters to closures over the R4 element model, falling back to
 * fhirpath.js for anything outside the subset (see README.md).
 */
export function createSearchPathCompiler(defs: Definitions): SearchPathCompiler {
  const table = new ContextTable(defs);
  const compilers = new Map<string, PathCompiler>();
  const compilerFor = (resourceType: string): PathCompiler => {
    let c = compilers.get(resourceType);
    if (!c) {
      c = new PathCompiler(table, table.ofType(resourceType));
      compilers.set(resourceType, c);
    }
    return c;
  };

  const build = (
    expression: string,
    inputs: readonly ElementContext[],
    resourceType: string,
    relative: boolean,
  ): CompiledPath => {
    const ast = parseFhirPath(expression);
    try {
      const { fn, outs } = compilerFor(resourceType).compile(ast, inputs);
      return {
        expression,
        fast: true,
        outputs: outs,
        evaluate: (focus, root) => fn(focus, { root } satisfies Env),
      };
    } catch (err) {
      if (!(err instanceof UnsupportedExpression)) throw err;
      if (/\bresolve\s*\(/.test(expression)) {
        throw new Error(`FHIRPath ${expression}: resolve() outside the supported forms (${err.message})`);
      }
      const fn = fallbackEvaluator(expression, table, relative);
      return {
        expression,
        fast: false,
        fallbackReason: err.message,
        outputs: [],
        evaluate: (focus, root) => fn(focus, { root }),
      };
    }
  };

  return {
    rootNode: (resource) => ({ value: resource, ctx: table.ofType(String(resource.resourceType)) }),
    compile: (expression, resourceType) =>
      build(expression, [table.ofType(resourceType)], resourceType, false),
    compileRelative: (expression, inputs, resourceType) => build(expression, inputs, resourceType, true),
  };
}
