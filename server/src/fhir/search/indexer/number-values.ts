import { asObject, type ConverterTable } from './converter.js';
import { decimalRange, type DecimalRange } from './decimal.js';

const ISO_4217 = 'urn:iso:std:iso:4217';

/**
 * A Range as one row: lo/hi from the precision ranges of low and high, open ends as ±Infinity
 * (PostgreSQL numeric accepts them); value is low's value, else high's.
 */
export function rangeOf(value: unknown): { range: DecimalRange; bound: Record<string, unknown> } | undefined {
  const r = asObject(value);
  const low = asObject(r?.low);
  const high = asObject(r?.high);
  const lo = decimalRange(low?.value);
  const hi = decimalRange(high?.value);
  const bound = lo ? low : hi ? high : undefined;
  const v = lo ?? hi;
  if (!v || !bound) return undefined;
  return { range: { value: v.value, lo: lo?.lo ?? '-Infinity', hi: hi?.hi ?? 'Infinity' }, bound };
}

/** number: integer and decimal (and their subtypes) with precision ranges; a Range. */
export const numberConverters: ConverterTable = {
  integer: (value, param, grp, sink) => {
    const d = decimalRange(value);
    if (d) sink.number(param, grp, d);
  },
  decimal: (value, param, grp, sink) => {
    const d = decimalRange(value);
    if (d) sink.number(param, grp, d);
  },
  Range: (value, param, grp, sink) => {
    const r = rangeOf(value);
    if (r) sink.number(param, grp, r.range);
  },
};

/** quantity: Quantity and its profiles (Age, Duration, Distance, Count), Money (currency as code), Range. */
export const quantityConverters: ConverterTable = {
  Quantity: (value, param, grp, sink) => {
    const q = asObject(value);
    const d = decimalRange(q?.value);
    if (q && d) sink.quantity(param, grp, d, q.system, q.code, q.unit);
  },
  Money: (value, param, grp, sink) => {
    const m = asObject(value);
    const d = decimalRange(m?.value);
    if (m && d)
      sink.quantity(param, grp, d, m.currency === undefined ? null : ISO_4217, m.currency, m.currency);
  },
  Range: (value, param, grp, sink) => {
    const r = rangeOf(value);
    if (r) sink.quantity(param, grp, r.range, r.bound.system, r.bound.code, r.bound.unit);
  },
};
