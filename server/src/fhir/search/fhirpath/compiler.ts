import type { ContextTable, MemberAccess } from './contexts.js';
import { deepEqual } from './equality.js';
import { UnsupportedExpression } from './errors.js';
import type { AstNode } from './ast.js';
import type { ElementContext, FhirNode } from './node.js';
import { referenceString, referenceTargetType } from './reference-target.js';

/** Evaluation-wide inputs: `%resource` is the resource being indexed. */
export interface Env {
  readonly root: FhirNode;
}

export type Evaluator = (focus: readonly FhirNode[], env: Env) => FhirNode[];

/** A compiled sub-expression and the element contexts its results can have. */
export interface Compiled {
  readonly fn: Evaluator;
  readonly outs: readonly ElementContext[];
}

/**
 * FHIRPath system types named without namespace. R4's own search parameters write `value.as(DateTime)`
 * meaning the FHIR `dateTime` element (fhirpath.js, strictly, matches nothing there), so system type
 * names map onto the FHIR primitive of the same name.
 */
const SYSTEM_TYPES: Record<string, string> = {
  String: 'string',
  Boolean: 'boolean',
  Integer: 'integer',
  Decimal: 'decimal',
  Date: 'date',
  DateTime: 'dateTime',
  Time: 'time',
};

const EMPTY: FhirNode[] = [];

function children(node: AstNode): AstNode[] {
  return node.children ?? [];
}

function child(node: AstNode, i: number): AstNode {
  const c = node.children?.[i];
  if (!c) throw new UnsupportedExpression(`malformed ${node.type}`);
  return c;
}

function identifierText(node: AstNode): string {
  const text = node.text ?? '';
  return text.startsWith('`') && text.endsWith('`') ? text.slice(1, -1) : text;
}

function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

/** Compiles the FHIRPath AST (from fhirpath.js's parser) of a search expression into closures. */
export class PathCompiler {
  readonly boolean: ElementContext;
  readonly string: ElementContext;
  readonly decimal: ElementContext;
  readonly integer: ElementContext;
  private readonly trueNode: FhirNode;
  private readonly falseNode: FhirNode;

  constructor(
    private readonly table: ContextTable,
    private readonly rootCtx: ElementContext,
  ) {
    this.boolean = table.ofType('boolean');
    this.string = table.ofType('string');
    this.decimal = table.ofType('decimal');
    this.integer = table.ofType('integer');
    this.trueNode = { value: true, ctx: this.boolean };
    this.falseNode = { value: false, ctx: this.boolean };
  }

  private bool(b: boolean): FhirNode[] {
    return [b ? this.trueNode : this.falseNode];
  }

  compile(node: AstNode, ins: readonly ElementContext[]): Compiled {
    switch (node.type) {
      case 'EntireExpression':
      case 'TermExpression':
      case 'ParenthesizedTerm':
        if (children(node).length !== 1)
          throw new UnsupportedExpression(`${node.type} with several children`);
        return this.compile(child(node, 0), ins);
      case 'InvocationTerm':
        return this.invocation(child(node, 0), { fn: (focus) => focus as FhirNode[], outs: ins }, true);
      case 'InvocationExpression':
        return this.invocation(child(node, 1), this.compile(child(node, 0), ins), false);
      case 'IndexerExpression':
        return this.indexer(node, ins);
      case 'UnionExpression':
        return this.union(this.compile(child(node, 0), ins), this.compile(child(node, 1), ins));
      case 'TypeExpression':
        return this.typeExpression(node, ins);
      case 'EqualityExpression':
        return this.equality(node, ins);
      case 'AndExpression':
      case 'OrExpression':
        return this.logic(node, ins);
      case 'LiteralTerm':
        return this.literal(child(node, 0));
      case 'ExternalConstantTerm':
        return this.externalConstant(node);
      default:
        throw new UnsupportedExpression(`unsupported ${node.type}`);
    }
  }

  private invocation(inv: AstNode, left: Compiled, atStart: boolean): Compiled {
    switch (inv.type) {
      case 'MemberInvocation':
        return this.then(left, this.member(identifierText(child(inv, 0)), left.outs));
      case 'ThisInvocation':
        if (!atStart) throw new UnsupportedExpression('$this after a path');
        return left;
      case 'FunctionInvocation':
        return this.functionCall(child(inv, 0), left);
      default:
        throw new UnsupportedExpression(`unsupported ${inv.type}`);
    }
  }

  private then(left: Compiled, right: Compiled): Compiled {
    const l = left.fn;
    const r = right.fn;
    return { fn: (focus, env) => r(l(focus, env), env), outs: right.outs };
  }

  /**
   * A member step. As in fhirpath.js, a name equal to the focus resource's type selects the resource
   * itself (`Patient.name` on a Patient), which is how every search expression starts.
   */
  private member(name: string, ins: readonly ElementContext[]): Compiled {
    const table = new Map<ElementContext, MemberAccess[] | 'self'>();
    for (const ctx of ins) {
      if (ctx.type === name && this.table.defs.isResourceType(name)) {
        table.set(ctx, 'self');
        continue;
      }
      const access = this.table.member(ctx, name);
      if (access) table.set(ctx, access);
    }
    if (table.size === 0)
      throw new UnsupportedExpression(`no element ${name} on ${ins.map((c) => c.path).join(', ')}`);
    const outs = unique([...table].flatMap(([ctx, a]) => (a === 'self' ? [ctx] : a.map((x) => x.ctx))));
    return { fn: memberEvaluator(table), outs };
  }

  private functionCall(fnNode: AstNode, left: Compiled): Compiled {
    const name = identifierText(child(fnNode, 0));
    const params = fnNode.children?.[1] ? children(fnNode.children[1]) : [];
    const arity = (n: number): void => {
      if (params.length !== n) throw new UnsupportedExpression(`${name}() with ${params.length} arguments`);
    };
    switch (name) {
      case 'where': {
        arity(1);
        return this.then(left, this.where(params[0] as AstNode, left.outs));
      }
      case 'exists': {
        arity(0);
        const l = left.fn;
        return { fn: (focus, env) => this.bool(l(focus, env).length > 0), outs: [this.boolean] };
      }
      case 'first': {
        arity(0);
        return this.then(left, indexEvaluator(0, left.outs));
      }
      case 'as':
      case 'ofType': {
        arity(1);
        return this.then(left, this.typeFilter(this.typeSpecifierName(params[0]), left.outs));
      }
      case 'is': {
        arity(1);
        return this.isType(left, this.typeSpecifierName(params[0]));
      }
      default:
        throw new UnsupportedExpression(`function ${name}()`);
    }
  }

  private where(criteria: AstNode, ins: readonly ElementContext[]): Compiled {
    const crit = this.compile(criteria, ins).fn;
    return {
      fn: (focus, env) => {
        const out: FhirNode[] = [];
        for (const n of focus) {
          const r = crit([n], env);
          if (r.length === 1 && r[0]?.value === true) out.push(n);
        }
        return out;
      },
      outs: ins,
    };
  }

  private indexer(node: AstNode, ins: readonly ElementContext[]): Compiled {
    const left = this.compile(child(node, 0), ins);
    const lit = this.literalValue(child(node, 1));
    if (typeof lit !== 'number' || !Number.isInteger(lit) || lit < 0)
      throw new UnsupportedExpression('non-literal index');
    return this.then(left, indexEvaluator(lit, left.outs));
  }

  /** `a | b`: fhirpath.js returns the distinct values of both, in order of first appearance. */
  private union(a: Compiled, b: Compiled): Compiled {
    const fa = a.fn;
    const fb = b.fn;
    return {
      fn: (focus, env) => distinct([...fa(focus, env), ...fb(focus, env)]),
      outs: unique([...a.outs, ...b.outs]),
    };
  }

  private typeExpression(node: AstNode, ins: readonly ElementContext[]): Compiled {
    const op = node.text;
    const typeName = this.typeSpecifierName(child(node, 1));
    const leftAst = child(node, 0);
    const resolveSource = this.resolveSource(leftAst, ins);
    if (resolveSource) {
      if (op !== 'is') throw new UnsupportedExpression('resolve() as Type');
      return this.resolveIs(resolveSource, typeName);
    }
    const left = this.compile(leftAst, ins);
    if (op === 'as') return this.then(left, this.typeFilter(typeName, left.outs));
    if (op === 'is') return this.isType(left, typeName);
    throw new UnsupportedExpression(`type operator ${op}`);
  }

  /** For `X.resolve()` (or a bare `resolve()`): the compiled `X` whose references are resolved. */
  private resolveSource(ast: AstNode, ins: readonly ElementContext[]): Compiled | undefined {
    let n = ast;
    while ((n.type === 'TermExpression' || n.type === 'ParenthesizedTerm') && children(n).length === 1)
      n = child(n, 0);
    const isResolve = (inv: AstNode | undefined): boolean =>
      inv?.type === 'FunctionInvocation' &&
      identifierText(child(child(inv, 0), 0)) === 'resolve' &&
      children(child(inv, 0)).length === 1;
    if (n.type === 'InvocationTerm' && isResolve(n.children?.[0])) {
      return { fn: (focus) => focus as FhirNode[], outs: ins };
    }
    if (n.type === 'InvocationExpression' && isResolve(n.children?.[1]))
      return this.compile(child(n, 0), ins);
    return undefined;
  }

  /**
   * `refs.resolve() is T`, decided from the reference string (see referenceTargetType): unresolvable
   * references make `resolve()` empty and so the test empty, as in fhirpath.js.
   */
  private resolveIs(source: Compiled, typeName: string): Compiled {
    const src = source.fn;
    const defs = this.table.defs;
    const isResourceType = (n: string): boolean => defs.isResourceType(n);
    return {
      fn: (focus, env) => {
        const types: string[] = [];
        for (const n of src(focus, env)) {
          const ref = referenceString(n.value);
          const t = ref === undefined ? undefined : referenceTargetType(ref, env.root.value, isResourceType);
          if (t !== undefined) types.push(t);
        }
        if (types.length === 0) return EMPTY;
        return this.bool(types.every((t) => defs.isA(t, typeName)));
      },
      outs: [this.boolean],
    };
  }

  private typeSpecifierName(node: AstNode | undefined): string {
    if (!node) throw new UnsupportedExpression('missing type');
    // Both a TypeSpecifier and a type passed as a function argument (parsed as a term) carry the name as text.
    const raw = (node.text ?? '').trim();
    if (!/^([A-Za-z]+\.)?[A-Za-z][A-Za-z0-9]*$/.test(raw))
      throw new UnsupportedExpression(`type specifier ${raw}`);
    const [ns, name] = raw.includes('.') ? (raw.split('.') as [string, string]) : [undefined, raw];
    if (ns === 'System' || (ns === undefined && SYSTEM_TYPES[name] && !this.table.defs.type(name))) {
      const mapped = SYSTEM_TYPES[name];
      if (!mapped) throw new UnsupportedExpression(`type ${raw}`);
      return mapped;
    }
    if (ns !== undefined && ns !== 'FHIR') throw new UnsupportedExpression(`type ${raw}`);
    if (!this.table.defs.type(name)) throw new UnsupportedExpression(`unknown type ${raw}`);
    return name;
  }

  private matchesType(ctx: ElementContext, typeName: string): boolean {
    if (this.table.isDynamic(ctx)) throw new UnsupportedExpression(`type test on ${ctx.type}`);
    return this.table.defs.isA(ctx.type, typeName);
  }

  /** `as T` / `ofType(T)`, applied item by item (see README: fhirpath.js rejects `as` on several items). */
  private typeFilter(typeName: string, ins: readonly ElementContext[]): Compiled {
    const keep = new Set(ins.filter((c) => this.matchesType(c, typeName)));
    if (keep.size === ins.length) return { fn: (focus) => focus as FhirNode[], outs: ins };
    return { fn: (focus) => focus.filter((n) => keep.has(n.ctx)), outs: [...keep] };
  }

  private isType(left: Compiled, typeName: string): Compiled {
    const keep = new Set(left.outs.filter((c) => this.matchesType(c, typeName)));
    const l = left.fn;
    return {
      fn: (focus, env) => {
        const r = l(focus, env);
        if (r.length !== 1) return EMPTY;
        return this.bool(keep.has((r[0] as FhirNode).ctx));
      },
      outs: [this.boolean],
    };
  }

  /** `=` / `!=` between primitive values: empty when either side is, else item-wise equality. */
  private equality(node: AstNode, ins: readonly ElementContext[]): Compiled {
    const negate = node.text === '!=';
    if (!negate && node.text !== '=') throw new UnsupportedExpression(`operator ${node.text}`);
    const a = this.compile(child(node, 0), ins);
    const b = this.compile(child(node, 1), ins);
    for (const c of [...a.outs, ...b.outs]) {
      if (this.table.defs.type(c.type)?.kind !== 'primitive-type')
        throw new UnsupportedExpression(`equality on ${c.type}`);
    }
    const fa = a.fn;
    const fb = b.fn;
    return {
      fn: (focus, env) => {
        const x = fa(focus, env);
        if (x.length === 0) return EMPTY;
        const y = fb(focus, env);
        if (y.length === 0) return EMPTY;
        let eq = x.length === y.length;
        for (let i = 0; eq && i < x.length; i++) eq = (x[i] as FhirNode).value === (y[i] as FhirNode).value;
        return this.bool(eq !== negate);
      },
      outs: [this.boolean],
    };
  }

  /** Three-valued `and` / `or` over singleton booleans; empty stands for unknown. */
  private logic(node: AstNode, ins: readonly ElementContext[]): Compiled {
    const isAnd = node.type === 'AndExpression';
    if (node.text !== (isAnd ? 'and' : 'or')) throw new UnsupportedExpression(`operator ${node.text}`);
    const fa = this.compile(child(node, 0), ins).fn;
    const fb = this.compile(child(node, 1), ins).fn;
    const truth = (r: FhirNode[]): boolean | undefined => {
      if (r.length === 0) return undefined;
      if (r.length > 1) throw new Error(`FHIRPath: ${node.text} expects a single value`);
      const v = (r[0] as FhirNode).value;
      return typeof v === 'boolean' ? v : true;
    };
    return {
      fn: (focus, env) => {
        const x = truth(fa(focus, env));
        const y = truth(fb(focus, env));
        if (isAnd) {
          if (x === false || y === false) return this.bool(false);
          return x === true && y === true ? this.bool(true) : EMPTY;
        }
        if (x === true || y === true) return this.bool(true);
        return x === false && y === false ? this.bool(false) : EMPTY;
      },
      outs: [this.boolean],
    };
  }

  private literalValue(node: AstNode): unknown {
    let n = node;
    while ((n.type === 'TermExpression' || n.type === 'LiteralTerm') && children(n).length === 1)
      n = child(n, 0);
    const text = n.text ?? '';
    switch (n.type) {
      case 'StringLiteral':
        return unquote(text);
      case 'BooleanLiteral':
        return text === 'true';
      case 'NumberLiteral':
        return Number(text);
      default:
        throw new UnsupportedExpression(`literal ${n.type}`);
    }
  }

  private literal(node: AstNode): Compiled {
    const value = this.literalValue(node);
    const ctx =
      typeof value === 'string'
        ? this.string
        : typeof value === 'boolean'
          ? this.boolean
          : Number.isInteger(value)
            ? this.integer
            : this.decimal;
    const result: FhirNode[] = [{ value, ctx }];
    return { fn: () => result, outs: [ctx] };
  }

  private externalConstant(node: AstNode): Compiled {
    const name = identifierText(child(child(node, 0), 0));
    if (name !== 'resource' && name !== 'rootResource') throw new UnsupportedExpression(`%${name}`);
    return { fn: (_focus, env) => [env.root], outs: [this.rootCtx] };
  }
}

function unquote(text: string): string {
  return text.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

function indexEvaluator(i: number, outs: readonly ElementContext[]): Compiled {
  return {
    fn: (focus) => {
      const n = focus[i];
      return n ? [n] : EMPTY;
    },
    outs,
  };
}

function push(value: unknown, access: readonly MemberAccess[], out: FhirNode[]): void {
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Record<string, unknown>;
  for (const a of access) {
    const v = obj[a.key];
    if (v === undefined || v === null) continue;
    const concrete = a.concrete;
    if (Array.isArray(v)) {
      for (const item of v as unknown[]) {
        if (item !== null && item !== undefined)
          out.push({ value: item, ctx: concrete ? concrete(item) : a.ctx });
      }
    } else out.push({ value: v, ctx: concrete ? concrete(v) : a.ctx });
  }
}

function memberEvaluator(table: Map<ElementContext, MemberAccess[] | 'self'>): Evaluator {
  const entries = [...table];
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only) {
    const [ctx, access] = only;
    if (access === 'self') return (focus) => focus.filter((n) => n.ctx === ctx);
    return (focus) => {
      const out: FhirNode[] = [];
      for (const n of focus) if (n.ctx === ctx) push(n.value, access, out);
      return out;
    };
  }
  return (focus) => {
    const out: FhirNode[] = [];
    for (const n of focus) {
      const access = table.get(n.ctx);
      if (access === 'self') out.push(n);
      else if (access) push(n.value, access, out);
    }
    return out;
  };
}

function distinct(nodes: FhirNode[]): FhirNode[] {
  if (nodes.length < 2) return nodes;
  const out: FhirNode[] = [];
  const seen = new Set<unknown>();
  for (const n of nodes) {
    const v = n.value;
    if (typeof v !== 'object' || v === null) {
      if (seen.has(v)) continue;
      seen.add(v);
    } else if (out.some((o) => deepEqual(o.value, v))) continue;
    out.push(n);
  }
  return out;
}
