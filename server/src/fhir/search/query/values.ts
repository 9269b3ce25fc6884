import { badRequest } from '../../../platform/http/operation-outcome.js';
import { normalizeString } from '../normalize.js';
import type {
  DateValue,
  NumberValue,
  Prefix,
  QuantityValue,
  ReferenceValue,
  TokenValue,
  UriValue,
} from './types.js';

/** Splits on `sep` where it is not escaped by a backslash; escapes are kept for the next split. */
export function splitEscaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Removes the search syntax escapes `\,` `\$` `\|` `\\`. */
export function unescapeValue(text: string): string {
  return text.replace(/\\([,$|\\])/g, '$1');
}

/** Splits at the first unescaped `|`; undefined second part when there is none. */
function splitBar(text: string): [string, string | undefined] {
  const parts = splitEscaped(text, '|');
  if (parts.length === 1) return [text, undefined];
  return [parts[0] ?? '', parts.slice(1).join('|')];
}

const PREFIXES = new Set<string>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

function takePrefix(text: string): [Prefix, string] {
  const head = text.slice(0, 2);
  if (PREFIXES.has(head)) return [head as Prefix, text.slice(2)];
  return ['eq', text];
}

export function parseStringValue(raw: string, exact: boolean): string {
  const text = unescapeValue(raw);
  return exact ? text : normalizeString(text);
}

export function parseToken(raw: string): TokenValue {
  const [a, b] = splitBar(raw);
  if (b === undefined) return { kind: 'token', code: unescapeValue(a) };
  const system = a === '' ? null : unescapeValue(a);
  return b === '' ? { kind: 'token', system } : { kind: 'token', system, code: unescapeValue(b) };
}

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Microseconds since the epoch, as a BigInt so sub-millisecond precision survives. */
function isoMicros(us: bigint): string {
  const ms = us / 1000n;
  const rest = us % 1000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 23)}${rest.toString().padStart(3, '0')}Z`;
}

/**
 * The [lo, hi) instant range a FHIR date/dateTime/instant search value covers. A value without a
 * time zone is read as UTC (documented in the README: the server keeps no per-tenant zone).
 */
export function parseDateRange(text: string, name: string): { lo: string; hi: string } {
  const m = DATE_RE.exec(text);
  if (!m) throw badRequest(`Invalid date value for search parameter '${name}'`);
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    Number(h ?? 0) > 23 ||
    Number(mi ?? 0) > 59 ||
    Number(s ?? 0) > 60
  ) {
    throw badRequest(`Invalid date value for search parameter '${name}'`);
  }
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1)
    throw badRequest(`Invalid date value for search parameter '${name}'`);
  let offsetMin = 0;
  if (tz && tz !== 'Z')
    offsetMin = (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
  const base =
    BigInt(
      Date.UTC(year, month - 1, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) - offsetMin * 60_000,
    ) * 1000n;
  let lo = base;
  let hi: bigint;
  if (mo === undefined) hi = BigInt(Date.UTC(year + 1, 0, 1)) * 1000n;
  else if (d === undefined) hi = BigInt(Date.UTC(year, month, 1)) * 1000n;
  else if (h === undefined) hi = BigInt(Date.UTC(year, month - 1, day + 1)) * 1000n;
  else if (s === undefined) hi = base + 60_000_000n;
  else if (frac === undefined) hi = base + 1_000_000n;
  else {
    const digits = Math.min(frac.length, 6);
    const micros = BigInt(frac.slice(0, 6).padEnd(6, '0'));
    lo = base + micros;
    hi = lo + 10n ** BigInt(6 - digits);
  }
  return { lo: isoMicros(lo), hi: isoMicros(hi) };
}

export function parseDate(raw: string, name: string): DateValue {
  const [prefix, rest] = takePrefix(raw);
  return { kind: 'date', prefix, ...parseDateRange(rest, name) };
}

const NUMBER_RE = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The value and half a unit of its last significant digit: `100` → ±0.5, `1.50` → ±0.005, `1e2` → ±50. */
export function parseNumberText(text: string, name: string): { value: string; delta: string } {
  const m = NUMBER_RE.exec(text);
  if (!m) throw badRequest(`Invalid number value for search parameter '${name}'`);
  const decimals = m[2]?.length ?? 0;
  const exponent = Number(m[3] ?? 0);
  return { value: text, delta: `5e${exponent - decimals - 1}` };
}

export function parseNumber(raw: string, name: string): NumberValue {
  const [prefix, rest] = takePrefix(raw);
  return { kind: 'number', prefix, ...parseNumberText(rest, name) };
}

export function parseQuantity(raw: string, name: string): QuantityValue {
  const parts = splitEscaped(raw, '|');
  if (parts.length !== 1 && parts.length !== 3)
    throw badRequest(`Invalid quantity value for search parameter '${name}'`);
  const [prefix, num] = takePrefix(parts[0] ?? '');
  const q: QuantityValue = { kind: 'quantity', prefix, ...parseNumberText(num, name) };
  if (parts.length === 3) {
    const system = unescapeValue(parts[1] ?? '');
    const code = unescapeValue(parts[2] ?? '');
    if (system !== '') q.system = system;
    if (code !== '') q.code = code;
  }
  return q;
}

/** Removes `/_history/n` so a versioned local reference still finds its resource. */
function stripHistory(path: string): string {
  return path.replace(/\/_history\/[^/]+$/, '');
}

const TYPE_ID_RE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * Reference values: `Type/id`, plain `id` (typed by the `:Type` modifier or left open), this
 * server's absolute URL (read as local), other absolute URLs, and canonical `url|version`.
 */
export function parseReference(
  raw: string,
  baseUrl: string,
  typeModifier: string | undefined,
  isType: (t: string) => boolean,
): ReferenceValue {
  const [left, version] = splitBar(raw);
  let text = unescapeValue(left);
  if (version !== undefined) return { kind: 'reference', url: text, version: unescapeValue(version) };
  const base = baseUrl.replace(/\/+$/, '') + '/';
  if (text.startsWith(base)) text = text.slice(base.length);
  text = stripHistory(text);
  const m = TYPE_ID_RE.exec(text);
  if (m && isType(m[1] ?? '')) {
    if (typeModifier && typeModifier !== m[1]) return { kind: 'reference', type: typeModifier, id: '\u0000' };
    return { kind: 'reference', type: m[1], id: m[2] };
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(text)) {
    return typeModifier
      ? { kind: 'reference', type: typeModifier, id: text }
      : { kind: 'reference', id: text };
  }
  return { kind: 'reference', url: text };
}

export function parseUri(raw: string): UriValue {
  return { kind: 'uri', uri: unescapeValue(raw) };
}

/** Every prefix of `uri` that ends before a `/`, and `uri` itself: the candidates `:above` matches. */
export function uriAncestors(uri: string): string[] {
  const out: string[] = [];
  const start = uri.indexOf('://') >= 0 ? uri.indexOf('://') + 3 : 0;
  for (let i = uri.indexOf('/', start); i > 0; i = uri.indexOf('/', i + 1)) out.push(uri.slice(0, i));
  out.push(uri);
  return out;
}
