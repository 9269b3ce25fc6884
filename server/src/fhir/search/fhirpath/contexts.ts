import type { Definitions, ElementDef } from '../../definitions/index.js';
import { UnsupportedExpression } from './errors.js';
import type { ElementContext } from './node.js';

/** How a member name is read from a JSON object: the JSON key and the element the value lands in. */
export interface MemberAccess {
  readonly key: string;
  readonly ctx: ElementContext;
  /** For Resource-typed elements (Bundle.entry.resource): the context of the value's own resourceType. */
  readonly concrete?: (value: unknown) => ElementContext;
}

const INLINE_TYPES = new Set(['BackboneElement', 'Element']);
/** Types whose concrete type is only known from the data (`resourceType`), which static compilation cannot follow. */
const DYNAMIC_TYPES = new Set(['Resource', 'DomainResource']);

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Interns element contexts and answers member look-ups from the R4 element model, so that compiled
 * closures compare contexts by identity and the model is consulted only at compile time.
 */
export class ContextTable {
  private readonly byKey = new Map<string, ElementContext>();
  private readonly members = new Map<ElementContext, Map<string, MemberAccess[] | null>>();

  constructor(readonly defs: Definitions) {}

  private intern(type: string, typeName: string, path: string): ElementContext {
    const key = `${type}|${typeName}|${path}`;
    let ctx = this.byKey.get(key);
    if (!ctx) {
      ctx = { type, typeName, path };
      this.byKey.set(key, ctx);
    }
    return ctx;
  }

  /** The context of a value of a named type (a datatype, a primitive or a resource). */
  ofType(type: string): ElementContext {
    return this.intern(type, type, type);
  }

  /** The context of an inline element at `path` of `typeName`. */
  inline(type: string, typeName: string, path: string): ElementContext {
    return this.intern(type, typeName, path);
  }

  isDynamic(ctx: ElementContext): boolean {
    return DYNAMIC_TYPES.has(ctx.type);
  }

  /**
   * How `name` is read on a value in `ctx`: one access for a plain element, one per allowed type
   * for a choice element (`value` → `valueQuantity`, `valueString`…). Null when `ctx` has no such element.
   */
  member(ctx: ElementContext, name: string): MemberAccess[] | null {
    let cache = this.members.get(ctx);
    if (!cache) {
      cache = new Map();
      this.members.set(ctx, cache);
    }
    let found = cache.get(name);
    if (found === undefined) {
      found = this.resolveMember(ctx, name);
      cache.set(name, found);
    }
    return found;
  }

  private resolveMember(ctx: ElementContext, name: string): MemberAccess[] | null {
    if (this.isDynamic(ctx)) throw new UnsupportedExpression(`cannot navigate into ${ctx.type} statically`);
    const children = this.defs.childrenOf(ctx.typeName, ctx.path);
    const el = children?.find((c) => c.name === name);
    if (!el) return null;
    if (el.isChoice)
      return el.types.map((t) => ({ key: name + capitalize(t.code), ctx: this.ofType(t.code) }));
    const child = this.elementContext(ctx, el);
    if (this.isDynamic(child)) return [{ key: name, ctx: child, concrete: (v) => this.concrete(v, child) }];
    return [{ key: name, ctx: child }];
  }

  private concrete(value: unknown, fallback: ElementContext): ElementContext {
    const type = (value as { resourceType?: unknown }).resourceType;
    return typeof type === 'string' && this.defs.isResourceType(type) ? this.ofType(type) : fallback;
  }

  private elementContext(parent: ElementContext, el: ElementDef): ElementContext {
    const code = el.types[0]?.code;
    // contentReference elements (Questionnaire.item.item) carry no type: they are inline like their target.
    if (code === undefined || INLINE_TYPES.has(code)) {
      return this.inline(code ?? 'BackboneElement', parent.typeName, el.path);
    }
    if (el.types.length > 1)
      throw new UnsupportedExpression(`${el.path} has several types but is not a choice`);
    return this.ofType(code);
  }
}
