import { FhirError, badRequest } from '../../../platform/http/operation-outcome.js';
import { type ParseContext, Unsupported, parseCondition, resolveParam } from './parse-param.js';
import type {
  Condition,
  IncludeSpec,
  ParsedSearch,
  SearchRequest,
  SortKey,
  SummaryMode,
  TotalMode,
} from './types.js';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;

/** Parameters that shape the response rather than select resources. */
const CONTROLS = new Set([
  '_sort',
  '_count',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_type',
  '_cursor',
]);
/** Handled by the HTTP layer (content negotiation); not search parameters. */
const TRANSPORT = new Set(['_format', '_pretty']);

const SORT_TABLES: Record<
  string,
  { table: string; asc: string; desc: string; valueType: SortKey['valueType'] }
> = {
  string: { table: 'idx_string', asc: 'MIN(x.norm)', desc: 'MAX(x.norm)', valueType: 'text' },
  token: { table: 'idx_token', asc: 'MIN(x.code)', desc: 'MAX(x.code)', valueType: 'text' },
  date: { table: 'idx_date', asc: 'MIN(x.lo)', desc: 'MAX(x.hi)', valueType: 'timestamptz' },
  number: { table: 'idx_number', asc: 'MIN(x.value)', desc: 'MAX(x.value)', valueType: 'numeric' },
  quantity: { table: 'idx_quantity', asc: 'MIN(x.value)', desc: 'MAX(x.value)', valueType: 'numeric' },
  uri: { table: 'idx_uri', asc: 'MIN(x.value)', desc: 'MAX(x.value)', valueType: 'text' },
  reference: {
    table: 'idx_reference',
    asc: `MIN(COALESCE(x.target_type || '/' || x.target_id, x.url))`,
    desc: `MAX(COALESCE(x.target_type || '/' || x.target_id, x.url))`,
    valueType: 'text',
  },
};

function parseCount(raw: string): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`The value of '_count' must be a non-negative integer`);
  return Math.min(Number(raw), MAX_COUNT);
}

function parseSort(ctx: ParseContext, types: string[], raw: string): SortKey[] {
  return raw
    .split(',')
    .filter((s) => s !== '')
    .map((item) => {
      const desc = item.startsWith('-');
      const code = desc ? item.slice(1) : item;
      if (code === '_id') return { name: code, desc, valueType: 'text', column: 'id' };
      if (code === '_lastUpdated')
        return { name: code, desc, valueType: 'timestamptz', column: 'last_updated' };
      const ref = resolveParam(ctx, types, code);
      const spec = ref && SORT_TABLES[ref.def.type];
      if (!ref || !spec) throw badRequest(`Cannot sort on search parameter '${code}'`);
      return {
        name: code,
        desc,
        valueType: spec.valueType,
        param: { table: spec.table, column: desc ? spec.desc : spec.asc, ids: ref.ids },
      };
    });
}

function referenceParams(ctx: ParseContext, type: string): string[] {
  return [...(ctx.defs.searchParams.get(type)?.values() ?? [])]
    .filter((p) => p.type === 'reference')
    .map((p) => p.code);
}

function parseInclude(ctx: ParseContext, types: string[], name: string, raw: string): IncludeSpec[] {
  const [base, mod] = name.split(':');
  if (mod !== undefined && mod !== 'iterate' && mod !== 'recurse')
    throw badRequest(`Unknown modifier on '${base}'`);
  const rev = base === '_revinclude';
  const [sourceType, code, targetType] = raw.split(':');
  const iterate = mod !== undefined;
  if (raw === '*') {
    // `_include=*`: every reference of the matches; the reverse would pull in the whole graph.
    if (rev) throw new Unsupported(`${base}=*`);
    return types.map((t) => ({ rev, iterate, sourceType: t, params: referenceParams(ctx, t) }));
  }
  if (!sourceType || !ctx.defs.isResourceType(sourceType) || !code)
    throw badRequest(`Malformed '${base}' value`);
  if (targetType !== undefined && !ctx.defs.isResourceType(targetType))
    throw badRequest(`Unknown target type in '${base}'`);
  let params: string[];
  if (code === '*') params = referenceParams(ctx, sourceType);
  else {
    const def = ctx.defs.searchParam(sourceType, code);
    if (!def || def.type !== 'reference') throw badRequest(`'${base}' names an unknown reference parameter`);
    params = [code];
  }
  return [{ rev, iterate, sourceType, params, ...(targetType ? { targetType } : {}) }];
}

function parseTotal(raw: string): TotalMode {
  if (raw === 'none' || raw === 'estimate' || raw === 'accurate') return raw;
  throw badRequest(`The value of '_total' must be none, estimate or accurate`);
}

function parseSummary(raw: string): SummaryMode {
  if (raw === 'true' || raw === 'false' || raw === 'text' || raw === 'data' || raw === 'count') return raw;
  throw badRequest(`The value of '_summary' must be true, text, data, count or false`);
}

function parseTypes(ctx: ParseContext, req: SearchRequest): string[] {
  if (req.resourceType !== undefined) {
    if (!ctx.defs.isResourceType(req.resourceType)) throw badRequest(`Unknown resource type`);
    return [req.resourceType];
  }
  const listed = req.params
    .filter(([n]) => n === '_type')
    .flatMap(([, v]) => v.split(',').filter((t) => t !== ''));
  for (const t of listed)
    if (!ctx.defs.isResourceType(t)) throw badRequest(`Unknown resource type in '_type'`);
  return listed.length > 0 ? [...new Set(listed)] : ctx.defs.resourceTypes;
}

/** Reads every pair of the request; throws FhirError (400) for malformed or, when strict, unsupported ones. */
export function parseSearch(ctx: ParseContext, req: SearchRequest): ParsedSearch {
  const types = parseTypes(ctx, req);
  const out: ParsedSearch = {
    types,
    system: req.resourceType === undefined,
    conditions: [],
    sort: [],
    count: DEFAULT_COUNT,
    total: undefined,
    summary: undefined,
    elements: undefined,
    includes: [],
    cursor: undefined,
    ignored: [],
    linkParams: req.params.filter(([n]) => n !== '_cursor'),
  };
  const ignore = (name: string) => {
    if (req.strict) {
      throw new FhirError(400, {
        severity: 'error',
        code: 'not-supported',
        diagnostics: `Search parameter '${name}' is not supported`,
      });
    }
    if (!out.ignored.includes(name)) out.ignored.push(name);
  };
  for (const [name, raw] of req.params) {
    // PostgreSQL text cannot hold NUL; reject it here rather than fail in the database.
    if (name.includes('\u0000') || raw.includes('\u0000'))
      throw badRequest(`Search parameter '${name.split('\u0000').join('')}' contains a NUL character`);
    const [base] = name.split(':');
    try {
      if (TRANSPORT.has(name)) continue;
      if (base !== undefined && CONTROLS.has(base)) {
        applyControl(ctx, out, name, base, raw, req.resourceType === undefined);
        continue;
      }
      const cond: Condition | null = parseCondition(ctx, types, name, raw);
      if (cond) out.conditions.push(cond);
    } catch (err) {
      if (err instanceof Unsupported) ignore(err.message);
      else throw err;
    }
  }
  return out;
}

function applyControl(
  ctx: ParseContext,
  out: ParsedSearch,
  name: string,
  base: string,
  raw: string,
  system: boolean,
): void {
  if (base !== '_include' && base !== '_revinclude' && name !== base)
    throw badRequest(`Unknown modifier on '${base}'`);
  switch (base) {
    case '_sort':
      out.sort.push(...parseSort(ctx, out.types, raw));
      return;
    case '_count':
      out.count = parseCount(raw);
      return;
    case '_total':
      out.total = parseTotal(raw);
      return;
    case '_summary':
      out.summary = parseSummary(raw);
      return;
    case '_elements':
      out.elements = raw
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '');
      return;
    case '_include':
    case '_revinclude':
      if (raw !== '') out.includes.push(...parseInclude(ctx, out.types, name, raw));
      return;
    case '_type':
      if (!system) throw new Unsupported('_type');
      return;
    case '_cursor':
      out.cursor = raw;
      return;
  }
}
