import { emptyIndexRows, type IndexRows } from '../index-rows.js';
import { normalizeString } from '../normalize.js';
import type { DecimalRange } from './decimal.js';
import type { ReferenceTarget } from './reference.js';

const SEP = '\u0001';

/**
 * normalizeString (Unicode NFKD plus regexes) dominates extraction, and the same displays and names
 * recur across resources; a bounded memo keeps it off the hot path.
 */
const normCache = new Map<string, string>();
const NORM_CACHE_LIMIT = 20_000;
function normalize(value: string): string {
  let n = normCache.get(value);
  if (n === undefined) {
    n = normalizeString(value);
    if (normCache.size >= NORM_CACHE_LIMIT) normCache.clear();
    normCache.set(value, n);
  }
  return n;
}

/** Collects the rows of one resource, dropping duplicates and rows that carry no value. */
export class RowSink {
  readonly rows: IndexRows = emptyIndexRows();
  private readonly seen = new Set<string>();

  private fresh(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  string(param: string, grp: number, value: unknown): void {
    if (typeof value !== 'string') return;
    const norm = normalize(value);
    if (!norm || !this.fresh(`s${SEP}${param}${SEP}${grp}${SEP}${value}`)) return;
    this.rows.string.push({ param, grp, value, norm });
  }

  token(param: string, grp: number, system: unknown, code: unknown, text: unknown): void {
    const s = typeof system === 'string' && system !== '' ? system : null;
    const c = typeof code === 'string' && code !== '' ? code : null;
    const t = typeof text === 'string' ? normalize(text) || null : null;
    if (s === null && c === null && t === null) return;
    if (!this.fresh(`t${SEP}${param}${SEP}${grp}${SEP}${s}${SEP}${c}${SEP}${t}`)) return;
    this.rows.token.push({ param, grp, system: s, code: c, textNorm: t });
  }

  date(param: string, grp: number, lo: string, hi: string): void {
    if (!this.fresh(`d${SEP}${param}${SEP}${grp}${SEP}${lo}${SEP}${hi}`)) return;
    this.rows.date.push({ param, grp, lo, hi });
  }

  reference(param: string, grp: number, r: ReferenceTarget): void {
    if (r.targetId === null && r.url === null) return;
    const key = `r${SEP}${param}${SEP}${grp}${SEP}${r.targetType}${SEP}${r.targetId}${SEP}${r.url}${SEP}${r.canonicalVersion}`;
    if (!this.fresh(key)) return;
    this.rows.reference.push({ param, grp, ...r });
  }

  number(param: string, grp: number, d: DecimalRange): void {
    if (!this.fresh(`n${SEP}${param}${SEP}${grp}${SEP}${d.value}${SEP}${d.lo}${SEP}${d.hi}`)) return;
    this.rows.number.push({ param, grp, value: d.value, lo: d.lo, hi: d.hi });
  }

  quantity(param: string, grp: number, d: DecimalRange, system: unknown, code: unknown, unit: unknown): void {
    const s = typeof system === 'string' && system !== '' ? system : null;
    const c = typeof code === 'string' && code !== '' ? code : null;
    const u = typeof unit === 'string' && unit !== '' ? unit : null;
    const key = `q${SEP}${param}${SEP}${grp}${SEP}${d.value}${SEP}${d.lo}${SEP}${d.hi}${SEP}${s}${SEP}${c}${SEP}${u}`;
    if (!this.fresh(key)) return;
    this.rows.quantity.push({ param, grp, value: d.value, lo: d.lo, hi: d.hi, system: s, code: c, unit: u });
  }

  uri(param: string, grp: number, value: unknown): void {
    if (typeof value !== 'string' || value === '') return;
    if (!this.fresh(`u${SEP}${param}${SEP}${grp}${SEP}${value}`)) return;
    this.rows.uri.push({ param, grp, value });
  }
}
