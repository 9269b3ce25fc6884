import type { RowSink } from './row-sink.js';

/** Writes the rows one value of a given FHIR type yields for one search parameter. */
export type Converter = (value: unknown, param: string, grp: number, sink: RowSink) => void;

/** Converters of one search parameter type, by FHIR type; subtypes fall back to their base (`Age` → `Quantity`). */
export type ConverterTable = Readonly<Record<string, Converter>>;

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : value === undefined || value === null ? [] : [value];
}
