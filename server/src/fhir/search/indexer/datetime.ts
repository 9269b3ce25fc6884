/** The instants a date/dateTime/instant covers: [lo, hi) as ISO strings in UTC. */
export interface InstantRange {
  lo: string;
  hi: string;
}

export const NEG_INFINITY = '-infinity';
export const POS_INFINITY = 'infinity';

const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Date.UTC maps years below 100 to 19xx; setUTCFullYear does not. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

const MIN_MS = utc(1, 0, 1, 0, 0, 0, 0);
const MAX_MS = utc(10000, 0, 1, 0, 0, 0, 0);

/** Instants outside years 1-9999 (reachable through a time zone or the end of year 9999) become open ends. */
function iso(ms: number, open: string): string {
  return ms < MIN_MS || ms >= MAX_MS ? open : new Date(ms).toISOString();
}

/**
 * The range a FHIR date, dateTime or instant covers at its precision: `2020` covers the year 2020,
 * `2020-03-04T10:00:00+02:00` one second. Values without a time zone are taken as UTC. Fractions
 * finer than a millisecond widen to the enclosing millisecond. Undefined when not a valid value.
 */
export function dateRange(value: unknown): InstantRange | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, tz] = m;
  const y = Number(ys);
  const mo = mos === undefined ? 0 : Number(mos) - 1;
  const d = ds === undefined ? 1 : Number(ds);
  const h = Number(hs ?? 0);
  const mi = Number(mis ?? 0);
  const s = Number(ss ?? 0);
  if (mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const fracMs = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const lo = utc(y, mo, d, h, mi, s, fracMs);
  if (new Date(lo).getUTCDate() !== d) return undefined; // 2021-02-30
  let hi: number;
  if (mos === undefined) hi = utc(y + 1, 0, 1, 0, 0, 0, 0);
  else if (ds === undefined) hi = utc(y, mo + 1, 1, 0, 0, 0, 0);
  else if (hs === undefined) hi = utc(y, mo, d + 1, 0, 0, 0, 0);
  else if (ss === undefined) hi = lo + 60_000;
  else if (frac === undefined) hi = lo + 1000;
  else hi = lo + (frac.length >= 3 ? 1 : 10 ** (3 - frac.length));
  let offset = 0;
  if (tz !== undefined && tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    offset = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000;
  }
  return { lo: iso(lo - offset, NEG_INFINITY), hi: iso(hi - offset, POS_INFINITY) };
}
