import { conceptText, type CodeableConcept } from './fhir-text.js';

export type TimelineKind = 'encounter' | 'condition' | 'immunization' | 'result';

export interface TimelineEvent {
  /** The calendar day (YYYY-MM-DD) it happened on. */
  day: string;
  kind: TimelineKind;
  text: string;
  /** How many results of that day it stands for (results are grouped per day). */
  count?: number;
}

export interface Dated {
  code?: CodeableConcept;
  type?: CodeableConcept[];
  vaccineCode?: CodeableConcept;
  period?: { start?: string };
  onsetDateTime?: string;
  occurrenceDateTime?: string;
  effectiveDateTime?: string;
}

/**
 * One chronological story of the chart, newest first: visits, diagnoses and immunizations one by one,
 * results grouped per day (a panel of twenty values is one event, not twenty).
 */
export function buildTimeline(input: {
  encounters?: Dated[];
  conditions?: Dated[];
  immunizations?: Dated[];
  results?: Dated[];
}): TimelineEvent[] {
  const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined);
  const events: TimelineEvent[] = [];
  for (const e of input.encounters ?? []) {
    const d = day(e.period?.start);
    if (d) events.push({ day: d, kind: 'encounter', text: conceptText(e.type?.[0]) });
  }
  for (const c of input.conditions ?? []) {
    const d = day(c.onsetDateTime);
    if (d) events.push({ day: d, kind: 'condition', text: conceptText(c.code) });
  }
  for (const i of input.immunizations ?? []) {
    const d = day(i.occurrenceDateTime);
    if (d) events.push({ day: d, kind: 'immunization', text: conceptText(i.vaccineCode) });
  }
  const perDay = new Map<string, number>();
  for (const r of input.results ?? []) {
    const d = day(r.effectiveDateTime);
    if (d) perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  for (const [d, count] of perDay) events.push({ day: d, kind: 'result', text: '', count });
  const order: Record<TimelineKind, number> = { encounter: 0, condition: 1, result: 2, immunization: 3 };
  return events.sort((a, b) => (a.day === b.day ? order[a.kind] - order[b.kind] : a.day < b.day ? 1 : -1));
}
