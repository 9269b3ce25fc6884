import { type SqlParams, and, likeEscape, or } from './sql.js';
import type { DateValue, LeafValue, Prefix, QuantityValue, ReferenceValue, TokenValue } from './types.js';
import { uriAncestors } from './values.js';

/** The index table that holds rows for each kind of value. */
export const TABLE: Record<LeafValue['kind'], string> = {
  string: 'idx_string',
  token: 'idx_token',
  date: 'idx_date',
  number: 'idx_number',
  quantity: 'idx_quantity',
  reference: 'idx_reference',
  uri: 'idx_uri',
};

/**
 * `ap` on dates: the search range widened on both sides by 10% of the distance between its start
 * and now (at least one day), then any overlap matches.
 */
function approxRange(v: DateValue): { lo: string; hi: string } {
  const lo = Date.parse(v.lo);
  const hi = Date.parse(v.hi);
  const widen = Math.max(Math.abs(Date.now() - lo) * 0.1, 86_400_000);
  return { lo: new Date(lo - widen).toISOString(), hi: new Date(hi + widen).toISOString() };
}

/**
 * A stored range [lo, hi) against a search range [qlo, qhi), per R4 search §3.1.1.5: `eq` = the
 * search range contains the stored one; `gt` = the stored range reaches above the search range;
 * `ge` = `gt` or `eq`; `sa`/`eb` = entirely after/before.
 */
export function dateRangePred(lo: string, hi: string, v: DateValue, p: SqlParams): string {
  const q = (s: string) => p.add(s, 'timestamptz');
  switch (v.prefix) {
    case 'eq':
      return `(${lo} >= ${q(v.lo)} AND ${hi} <= ${q(v.hi)})`;
    case 'ne':
      return `(${lo} < ${q(v.lo)} OR ${hi} > ${q(v.hi)})`;
    case 'gt':
      return `${hi} > ${q(v.hi)}`;
    case 'lt':
      return `${lo} < ${q(v.lo)}`;
    case 'ge':
      return `(${hi} > ${q(v.hi)} OR ${lo} >= ${q(v.lo)})`;
    case 'le':
      return `(${lo} < ${q(v.lo)} OR ${hi} <= ${q(v.hi)})`;
    case 'sa':
      return `${lo} >= ${q(v.hi)}`;
    case 'eb':
      return `${hi} <= ${q(v.lo)}`;
    case 'ap': {
      const r = approxRange(v);
      return `(${lo} < ${q(r.hi)} AND ${hi} > ${q(r.lo)})`;
    }
  }
}

/** The same rules for a point in time (resource.last_updated), written so the column stays sargable. */
export function instantPred(t: string, v: DateValue, p: SqlParams): string {
  const q = (s: string) => p.add(s, 'timestamptz');
  switch (v.prefix) {
    case 'eq':
      return `(${t} >= ${q(v.lo)} AND ${t} < ${q(v.hi)})`;
    case 'ne':
      return `(${t} < ${q(v.lo)} OR ${t} >= ${q(v.hi)})`;
    case 'gt':
    case 'sa':
      return `${t} >= ${q(v.hi)}`;
    case 'lt':
    case 'eb':
      return `${t} < ${q(v.lo)}`;
    case 'ge':
      return `${t} >= ${q(v.lo)}`;
    case 'le':
      return `${t} < ${q(v.hi)}`;
    case 'ap': {
      const r = approxRange(v);
      return `(${t} >= ${q(r.lo)} AND ${t} < ${q(r.hi)})`;
    }
  }
}

/**
 * Numbers compare the stored value with the search value; `eq`/`ne` use the search value's
 * precision (`100` = [99.5, 100.5)); `ap` = within 10% (or the precision, if wider).
 */
export function numberPred(col: string, prefix: Prefix, value: string, delta: string, p: SqlParams): string {
  const n = p.add(value, 'numeric');
  const d = () => p.add(delta, 'numeric');
  switch (prefix) {
    case 'eq':
      return `(${col} >= ${n} - ${d()} AND ${col} < ${n} + ${d()})`;
    case 'ne':
      return `(${col} < ${n} - ${d()} OR ${col} >= ${n} + ${d()})`;
    case 'gt':
    case 'sa':
      return `${col} > ${n}`;
    case 'lt':
    case 'eb':
      return `${col} < ${n}`;
    case 'ge':
      return `${col} >= ${n}`;
    case 'le':
      return `${col} <= ${n}`;
    case 'ap': {
      const w = `GREATEST(abs(${n}) * 0.1, ${d()})`;
      return `(${col} >= ${n} - ${w} AND ${col} <= ${n} + ${w})`;
    }
  }
}

export function tokenPred(a: string, v: TokenValue, p: SqlParams): string {
  const parts: string[] = [];
  if (v.code !== undefined) parts.push(`${a}.code = ${p.add(v.code, 'text')}`);
  if (v.system === null) parts.push(`${a}.system IS NULL`);
  else if (v.system !== undefined) parts.push(`${a}.system = ${p.add(v.system, 'text')}`);
  return and(parts);
}

function quantityPred(a: string, v: QuantityValue, p: SqlParams): string {
  const parts = [numberPred(`${a}.value`, v.prefix, v.value, v.delta, p)];
  if (v.system !== undefined) parts.push(`${a}.system = ${p.add(v.system, 'text')}`);
  if (v.code !== undefined) {
    const c = p.add(v.code, 'text');
    // Without a system the code may also be the human unit (`5.4||mg`), as R4 allows.
    parts.push(v.system !== undefined ? `${a}.code = ${c}` : `(${a}.code = ${c} OR ${a}.unit = ${c})`);
  }
  return and(parts);
}

function referencePred(a: string, v: ReferenceValue, p: SqlParams): string {
  if (v.id !== undefined) {
    const parts = [`${a}.target_id = ${p.add(v.id, 'text')}`];
    if (v.type !== undefined) parts.push(`${a}.target_type = ${p.add(v.type, 'text')}`);
    return and(parts);
  }
  const parts = [`${a}.url = ${p.add(v.url ?? '', 'text')}`];
  if (v.version !== undefined) parts.push(`${a}.canonical_version = ${p.add(v.version, 'text')}`);
  return and(parts);
}

/**
 * Starts-with as a byte-order range: under row-level security PostgreSQL may only push leakproof
 * operators into an index scan, and LIKE is not leakproof while `~>=~`/`~<~` (text_pattern_ops) are.
 * UTF-8 byte order is code point order, so bumping the last code point gives the exclusive bound.
 */
export function prefixPred(col: string, prefix: string, p: SqlParams): string {
  if (prefix === '') return `${col} IS NOT NULL`;
  const cps = [...prefix];
  const last = cps.pop()?.codePointAt(0) ?? 0;
  let next = last + 1;
  if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
  if (next > 0x10ffff) return `${col} LIKE ${p.add(`${likeEscape(prefix)}%`, 'text')}`;
  const upper = cps.join('') + String.fromCodePoint(next);
  return `(${col} ~>=~ ${p.add(prefix, 'text')} AND ${col} ~<~ ${p.add(upper, 'text')})`;
}

/** The predicate one index row (alias `a`) must satisfy for `v`; `modifier` is the parameter's. */
export function leafPred(a: string, v: LeafValue, modifier: string | undefined, p: SqlParams): string {
  switch (v.kind) {
    case 'string':
      if (modifier === 'exact') return `${a}.value = ${p.add(v.text, 'text')}`;
      if (modifier === 'contains') return `${a}.norm LIKE ${p.add(`%${likeEscape(v.text)}%`, 'text')}`;
      return prefixPred(`${a}.norm`, v.text, p);
    case 'token':
      return tokenPred(a, v, p);
    case 'date':
      return dateRangePred(`${a}.lo`, `${a}.hi`, v, p);
    case 'number':
      return numberPred(`${a}.value`, v.prefix, v.value, v.delta, p);
    case 'quantity':
      return quantityPred(a, v, p);
    case 'reference':
      return referencePred(a, v, p);
    case 'uri':
      if (modifier === 'below') return prefixPred(`${a}.value`, v.uri, p);
      if (modifier === 'above') return p.inTexts(`${a}.value`, uriAncestors(v.uri));
      return `${a}.value = ${p.add(v.uri, 'text')}`;
  }
}

/** Token `:text`: the display/text starts with the value, or one of its words does. */
export function tokenTextPred(a: string, text: string, p: SqlParams): string {
  const e = likeEscape(text);
  return or([
    `${a}.text_norm LIKE ${p.add(`${e}%`, 'text')}`,
    `${a}.text_norm LIKE ${p.add(`% ${e}%`, 'text')}`,
  ]);
}
