import { asArray, asObject, type ConverterTable } from './converter.js';
import type { RowSink } from './row-sink.js';

function coding(value: unknown, param: string, grp: number, sink: RowSink, fallbackText?: unknown): void {
  const c = asObject(value);
  if (!c) return;
  sink.token(param, grp, c.system, c.code, typeof c.display === 'string' ? c.display : fallbackText);
}

/**
 * token. A CodeableConcept yields a row per coding (text = display, else the concept's text) and,
 * when its text says something no display does, one more row with only the text, so `:text` finds
 * either. A ContactPoint is indexed as (system = ContactPoint.system, code = value), as HAPI does:
 * `telecom=x` matches the value and `phone|x`/`email|x` narrow by kind.
 */
export const tokenConverters: ConverterTable = {
  string: (value, param, grp, sink) => sink.token(param, grp, null, value, null),
  uri: (value, param, grp, sink) => sink.token(param, grp, null, value, null),
  boolean: (value, param, grp, sink) => {
    if (typeof value === 'boolean') sink.token(param, grp, null, String(value), null);
  },
  Coding: (value, param, grp, sink) => coding(value, param, grp, sink),
  CodeableConcept: (value, param, grp, sink) => {
    const cc = asObject(value);
    if (!cc) return;
    const text = typeof cc.text === 'string' ? cc.text : undefined;
    let textCovered = text === undefined;
    for (const c of asArray(cc.coding)) {
      coding(c, param, grp, sink, text);
      const display = asObject(c)?.display;
      if (typeof display !== 'string' || display === text) textCovered = true;
    }
    if (!textCovered || asArray(cc.coding).length === 0) sink.token(param, grp, null, null, text);
  },
  Identifier: (value, param, grp, sink) => {
    const id = asObject(value);
    if (!id || (id.system === undefined && id.value === undefined)) return;
    sink.token(param, grp, id.system, id.value, asObject(id.type)?.text);
  },
  ContactPoint: (value, param, grp, sink) => {
    const cp = asObject(value);
    if (cp && typeof cp.value === 'string') sink.token(param, grp, cp.system, cp.value, null);
  },
};
