import type { CoveredParams } from '../covered-params.js';
import type { Definitions, SearchParamDef } from '../../definitions/index.js';
import type { SearchParamRegistry } from '../../storage/search-param-registry.js';
import { FhirError, badRequest } from '../../../platform/http/operation-outcome.js';
import type { Condition, LeafValue, ParamRef, SearchValue } from './types.js';
import {
  parseDate,
  parseNumber,
  parseQuantity,
  parseReference,
  parseStringValue,
  parseToken,
  parseUri,
  splitEscaped,
  unescapeValue,
} from './values.js';

export interface ParseContext {
  defs: Definitions;
  registry: SearchParamRegistry;
  baseUrl: string;
  covered: CoveredParams;
}

/** A parameter this engine does not implement: ignored when lenient, 400 when strict. */
export class Unsupported extends Error {}

/** A valid FHIR modifier this engine does not implement; FHIR requires rejecting those. */
function unsupportedModifier(name: string, modifier: string): FhirError {
  return new FhirError(400, {
    severity: 'error',
    code: 'not-supported',
    diagnostics: `Modifier ':${modifier}' is not supported on search parameter '${name}'`,
  });
}

const MODIFIERS: Record<string, { ok: string[]; unsupported: string[] }> = {
  string: { ok: ['exact', 'contains'], unsupported: ['text'] },
  token: { ok: ['text', 'not'], unsupported: ['in', 'not-in', 'below', 'above', 'of-type'] },
  reference: { ok: [], unsupported: ['identifier', 'below', 'above'] },
  date: { ok: [], unsupported: [] },
  number: { ok: [], unsupported: [] },
  quantity: { ok: [], unsupported: [] },
  uri: { ok: ['below', 'above'], unsupported: [] },
  composite: { ok: [], unsupported: [] },
};

const INDEXED_TYPES = new Set([
  'string',
  'token',
  'reference',
  'date',
  'number',
  'quantity',
  'uri',
  'composite',
]);

/** The parameter `code` as it applies to every type in `types`; undefined when some type lacks it. */
export function resolveParam(ctx: ParseContext, types: string[], code: string): ParamRef | undefined {
  let def: SearchParamDef | undefined;
  const ids: number[] = [];
  for (const t of types) {
    const d = ctx.defs.searchParam(t, code);
    if (!d || !ctx.registry.has(t, code)) return undefined;
    if (def && d.type !== def.type) return undefined;
    def ??= d;
    ids.push(ctx.registry.id(t, code));
    // Values a covered parameter holds are stored under it only (see covered-params.ts).
    if (d.type === 'string') for (const c of ctx.covered.of(t, code)) ids.push(ctx.registry.id(t, c));
  }
  if (!def) return undefined;
  if (def.type !== 'composite') return { def, code, ids };
  const componentIds = def.component.map((_, i) => types.map((t) => ctx.registry.id(t, `${code}$${i}`)));
  return { def, code, ids, componentIds };
}

function splitName(name: string): [string, string | undefined] {
  const i = name.indexOf(':');
  return i < 0 ? [name, undefined] : [name.slice(0, i), name.slice(i + 1)];
}

/** Splits a value on unescaped commas (OR), dropping empty alternatives. */
function alternatives(raw: string): string[] {
  return splitEscaped(raw, ',').filter((v) => v !== '');
}

function leafValue(
  ctx: ParseContext,
  def: SearchParamDef,
  type: string,
  raw: string,
  modifier: string | undefined,
): LeafValue {
  const name = def.code;
  switch (type) {
    case 'string':
      return { kind: 'string', text: parseStringValue(raw, modifier === 'exact') };
    case 'token':
      return modifier === 'text' ? { kind: 'string', text: parseStringValue(raw, false) } : parseToken(raw);
    case 'date':
      return parseDate(raw, name);
    case 'number':
      return parseNumber(raw, name);
    case 'quantity':
      return parseQuantity(raw, name);
    case 'uri':
      return parseUri(raw);
    case 'reference':
      return parseReference(raw, ctx.baseUrl, modifier, (t) => ctx.defs.isResourceType(t));
    default:
      throw new Unsupported(name);
  }
}

function compositeValue(ctx: ParseContext, def: SearchParamDef, raw: string): SearchValue {
  const parts = splitEscaped(raw, '$');
  if (parts.length !== def.component.length) {
    throw badRequest(`Search parameter '${def.code}' needs ${def.component.length} '$'-separated components`);
  }
  return {
    kind: 'composite',
    parts: def.component.map((c, i) => {
      const cdef = ctx.defs.searchParamByUrl(c.definition);
      if (!cdef) throw new Unsupported(def.code);
      return leafValue(ctx, cdef, cdef.type, parts[i] ?? '', undefined);
    }),
  };
}

function checkModifier(ctx: ParseContext, ref: ParamRef, name: string, modifier: string | undefined): void {
  if (modifier === undefined || modifier === 'missing') return;
  const allowed = MODIFIERS[ref.def.type];
  if (!allowed) throw new Unsupported(name);
  if (allowed.ok.includes(modifier)) return;
  if (ref.def.type === 'reference' && ctx.defs.isResourceType(modifier)) {
    if (ref.def.target.length === 0 || ref.def.target.includes(modifier)) return;
    throw badRequest(`Search parameter '${name}' cannot refer to type '${modifier}'`);
  }
  if (allowed.unsupported.includes(modifier)) throw unsupportedModifier(name, modifier);
  throw badRequest(`Unknown modifier ':${modifier}' on search parameter '${name}'`);
}

function parseMissing(name: string, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw badRequest(`The value of '${name}:missing' must be true or false`);
}

/** A parameter without chaining or `_has`: `code`, `code:modifier`. Null when the value is empty. */
export function parseSimple(ctx: ParseContext, types: string[], name: string, raw: string): Condition | null {
  const [code, modifier] = splitName(name);
  if (raw === '') return null;
  if (code === '_id') {
    if (modifier !== undefined && modifier !== 'not')
      throw badRequest(`Unknown modifier on search parameter '_id'`);
    return { kind: 'id', ids: alternatives(raw).map(unescapeValue), not: modifier === 'not' };
  }
  if (code === '_lastUpdated') {
    if (modifier !== undefined) throw badRequest(`Unknown modifier on search parameter '_lastUpdated'`);
    return { kind: 'lastUpdated', values: alternatives(raw).map((v) => parseDate(v, code)) };
  }
  const ref = resolveParam(ctx, types, code);
  // Parameters without an expression (_text, _content) have no index rows to search.
  if (!ref || !INDEXED_TYPES.has(ref.def.type) || !ref.def.expression) throw new Unsupported(code);
  checkModifier(ctx, ref, name, modifier);
  if (modifier === 'missing') return { kind: 'missing', param: ref, missing: parseMissing(name, raw) };
  const values = alternatives(raw).map((v) =>
    ref.def.type === 'composite'
      ? compositeValue(ctx, ref.def, v)
      : leafValue(ctx, ref.def, ref.def.type, v, modifier),
  );
  if (values.length === 0) return null;
  return { kind: 'param', param: ref, modifier, values };
}

/** `ref[:Type].param[:modifier]=value`: one level of chaining. */
function parseChain(ctx: ParseContext, types: string[], name: string, raw: string): Condition | null {
  const dot = name.indexOf('.');
  const [refCode, typeModifier] = splitName(name.slice(0, dot));
  const rest = name.slice(dot + 1);
  if (rest.includes('.')) throw new Unsupported(name.slice(0, dot));
  const ref = resolveParam(ctx, types, refCode);
  if (!ref) throw new Unsupported(refCode);
  if (ref.def.type !== 'reference')
    throw badRequest(`Search parameter '${refCode}' is not a reference and cannot be chained`);
  let candidates = ref.def.target.length > 0 ? ref.def.target : ctx.defs.resourceTypes;
  if (typeModifier !== undefined) {
    if (!candidates.includes(typeModifier))
      throw badRequest(`Search parameter '${refCode}' cannot refer to type '${typeModifier}'`);
    candidates = [typeModifier];
  }
  const [chainedCode] = splitName(rest);
  const withParam = candidates.filter(
    (t) =>
      chainedCode === '_id' ||
      chainedCode === '_lastUpdated' ||
      ctx.defs.searchParam(t, chainedCode) !== undefined,
  );
  if (withParam.length === 0)
    throw badRequest(`Unknown chained search parameter '${chainedCode}' on '${refCode}'`);
  const kinds = new Set(withParam.map((t) => ctx.defs.searchParam(t, chainedCode)?.type ?? chainedCode));
  if (kinds.size > 1)
    throw badRequest(
      `Chained search parameter '${refCode}.${chainedCode}' is ambiguous; add a type modifier`,
    );
  const targets: { type: string; cond: Condition }[] = [];
  for (const t of withParam) {
    const cond = parseSimple(ctx, [t], rest, raw);
    if (!cond) return null;
    targets.push({ type: t, cond });
  }
  return { kind: 'chain', ref, targets };
}

/** `_has:Type:refParam:param[:modifier]=value`: one level of reverse chaining. */
function parseHas(ctx: ParseContext, types: string[], name: string, raw: string): Condition | null {
  const parts = name.split(':');
  const [, sourceType, refCode] = parts;
  const rest = parts.slice(3).join(':');
  if (!sourceType || !refCode || !rest) throw badRequest(`Malformed '_has' parameter`);
  if (rest.startsWith('_has')) throw new Unsupported('_has');
  if (!ctx.defs.isResourceType(sourceType))
    throw badRequest(`Unknown resource type '${sourceType}' in '_has'`);
  const ref = resolveParam(ctx, [sourceType], refCode);
  if (!ref || ref.def.type !== 'reference')
    throw badRequest(`Unknown reference parameter '${sourceType}.${refCode}' in '_has'`);
  if (ref.def.target.length > 0 && !types.some((t) => ref.def.target.includes(t))) {
    throw badRequest(`'${sourceType}.${refCode}' does not refer to the searched type`);
  }
  if (rest.includes('.')) throw new Unsupported('_has');
  const cond = parseSimple(ctx, [sourceType], rest, raw);
  return cond && { kind: 'has', sourceType, refIds: ref.ids, cond };
}

/** Any search parameter (not a result control) into a condition; null for an empty value. */
export function parseCondition(
  ctx: ParseContext,
  types: string[],
  name: string,
  raw: string,
): Condition | null {
  if (name.startsWith('_has:')) return parseHas(ctx, types, name, raw);
  if (name.includes('.')) return parseChain(ctx, types, name, raw);
  return parseSimple(ctx, types, name, raw);
}
