import { asArray, asObject, type ConverterTable } from './converter.js';
import { dateRange, NEG_INFINITY, POS_INFINITY } from './datetime.js';
import type { RowSink } from './row-sink.js';

function point(value: unknown, param: string, grp: number, sink: RowSink): void {
  const r = dateRange(value);
  if (r) sink.date(param, grp, r.lo, r.hi);
}

/** A Period covers [start's lo, end's hi); a missing end is open. Nothing when both are missing or invalid. */
function period(value: unknown, param: string, grp: number, sink: RowSink): void {
  const p = asObject(value);
  if (!p) return;
  const start = p.start === undefined ? undefined : dateRange(p.start);
  const end = p.end === undefined ? undefined : dateRange(p.end);
  if (!start && !end) return;
  sink.date(param, grp, start?.lo ?? NEG_INFINITY, end?.hi ?? POS_INFINITY);
}

/** date: date, dateTime and instant at their precision; Period; Timing as its events and its bounds Period. */
export const dateConverters: ConverterTable = {
  date: point,
  dateTime: point,
  instant: point,
  Period: period,
  Timing: (value, param, grp, sink) => {
    const t = asObject(value);
    if (!t) return;
    for (const e of asArray(t.event)) point(e, param, grp, sink);
    const bounds = asObject(t.repeat)?.boundsPeriod;
    if (bounds !== undefined) period(bounds, param, grp, sink);
  },
};
